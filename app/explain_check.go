package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/explain"
	"github.com/artlens/artlens/trust"
)

// checkSeed seeds the sanity check's random weights, so that a check can
// be made again exactly.
const checkSeed = 25

// checkFlags adds explain's --check and --summary.
func checkFlags(fs *flagSet) (check, summary *bool) {
	check = fs.Bool("check", false, "also say how far to trust each map: deletion and insertion AUCs (lower deletion, higher insertion is better) "+
		"and the sanity check (the map made again as the network's layers are randomised from the top; see docs/trust.md)")
	summary = fs.Bool("summary", false, "with --check: one table for a whole FOLDER (its subfolders too) per method "+
		"(every method, or --method a comma list): mean deletion and insertion AUCs with 95% t intervals and the sanity result")
	return check, summary
}

// trustResult is what --check adds to a picture's JSON object.
type trustResult struct {
	Deletion  *trust.Curve  `json:"deletion,omitempty"`
	Insertion *trust.Curve  `json:"insertion,omitempty"`
	Sanity    *trust.Sanity `json:"sanity,omitempty"`
}

// addChecks computes the trust figures of map mp, which opt's method made
// for input, into res.
func addChecks(res *explainResult, m *engine.Model, input []float32, mp explain.Map, opt explainOptions) error {
	method, err := explain.LookupMethod(opt.method)
	if err != nil {
		return err
	}
	req := explain.Request{Input: input, Class: mp.Class, Place: opt.layer, Occlusion: opt.occlusion, Seed: checkSeed}
	c, err := trust.CheckMap(context.Background(), m, method, req, mp, checkSeed, nil)
	if err != nil {
		return err
	}
	res.Deletion, res.Insertion, res.Sanity = &c.Deletion, &c.Insertion, &c.Sanity
	return nil
}

// printChecks prints --check's figures of res under its line, if any.
func printChecks(w io.Writer, res explainResult) {
	if res.Sanity == nil {
		return
	}
	fmt.Fprintf(w, "  deletion AUC %.3f (lower is better), insertion AUC %.3f (higher is better)\n", res.Deletion.AUC, res.Insertion.AUC)
	steps := make([]string, len(res.Sanity.Layers))
	for i, l := range res.Sanity.Layers {
		steps[i] = fmt.Sprintf("%s %.2f", l, res.Sanity.Similarity[i])
	}
	fmt.Fprintf(w, "  sanity: rank correlation with the map as layers are randomised from the top: %s (mean |rho| %.2f)\n",
		strings.Join(steps, ", "), res.Sanity.MeanAbs)
	fmt.Fprintf(w, "  %s\n", res.Sanity.Verdict)
}

// checkSummary is `explain --check --summary --json`'s object.
type checkSummary struct {
	Pictures int                   `json:"pictures"`
	Note     string                `json:"note"`
	Methods  []trust.MethodSummary `json:"methods"`
}

const summaryNote = "lower deletion AUC and higher insertion AUC are better; intervals are 95% Student t intervals of the mean over the pictures; " +
	"sanity_last_similarity is the rank correlation with the map once every layer is random (near 0: the map follows the network)"

// runCheckSummary is `explain --check --summary FOLDER...`.
func runCheckSummary(fs *flagSet, methods string, methodSet bool, layer string, asJSON bool, model string, stdout, stderr io.Writer) int {
	var names []string
	if methodSet {
		for _, n := range strings.Split(methods, ",") {
			if n = strings.TrimSpace(n); n != "" {
				if _, err := explain.LookupMethod(n); err != nil {
					return usageError(stderr, "explain", "--method: %v", err)
				}
				names = append(names, n)
			}
		}
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "explain", "give a folder to summarise")
	}
	files, err := imageInputs(fs.Args(), true, stderr)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if len(files) == 0 {
		return fail(stderr, "no image files to check")
	}
	m, err := loadModel(model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	place := 0
	if layer = strings.TrimSpace(layer); layer != "" {
		if place, err = strconv.Atoi(layer); err != nil {
			if place, err = m.PlaceNumber(layer); err != nil {
				return usageError(stderr, "explain", "--layer: %v", err)
			}
		}
		if place < 1 || place > len(m.Places()) {
			return usageError(stderr, "explain", "--layer: there is no layer %s; the layers are 1 to %d", layer, len(m.Places()))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var bar *progressBar // made at the first report, which gives the total
	sum, err := trust.Summarise(ctx, m, files, trust.SummaryOptions{Methods: names, Place: place, Seed: checkSeed,
		Progress: func(done, total int) {
			if bar == nil {
				bar = newProgressBar(stderr, "check", total)
			}
			bar.update(done)
		}})
	if err != nil {
		if bar != nil {
			bar.interrupt()
		}
		return fail(stderr, "%v", err)
	}
	if asJSON {
		if err := json.NewEncoder(stdout).Encode(checkSummary{Pictures: len(files), Note: summaryNote, Methods: sum}); err != nil {
			return fail(stderr, "%v", err)
		}
		return 0
	}
	printSummary(stdout, len(files), sum)
	return 0
}

// printSummary prints the methods' table and which is most faithful.
func printSummary(w io.Writer, files int, sum []trust.MethodSummary) {
	iv := func(v trust.Interval) string {
		if v.N == 0 {
			return "-"
		}
		if !v.Defined {
			return fmt.Sprintf("%.3f (one picture)", v.Mean)
		}
		return fmt.Sprintf("%.3f [%.3f, %.3f]", v.Mean, v.Low, v.High)
	}
	fmt.Fprintf(w, "%d pictures; mean with 95%% t interval over the pictures\n", files)
	fmt.Fprintf(w, "%-22s %8s  %-30s %-30s %-30s %s\n", "method", "pictures", "deletion AUC (lower better)", "insertion AUC (higher better)", "sanity: last-step similarity", "maps that follow the network")
	bestDel, bestIns := -1, -1
	for i, s := range sum {
		fmt.Fprintf(w, "%-22s %8d  %-30s %-30s %-30s %d of %d\n", s.Method, s.Pictures, iv(s.Deletion), iv(s.Insertion), iv(s.SanityLast), s.Follows, s.Pictures)
		if s.Failed > 0 {
			fmt.Fprintf(w, "%-22s %d pictures failed, e.g. %s\n", "", s.Failed, s.Errors[0])
		}
		if s.Pictures == 0 {
			continue
		}
		if bestDel < 0 || s.Deletion.Mean < sum[bestDel].Deletion.Mean {
			bestDel = i
		}
		if bestIns < 0 || s.Insertion.Mean > sum[bestIns].Insertion.Mean {
			bestIns = i
		}
	}
	if bestDel >= 0 && len(sum) > 1 {
		fmt.Fprintf(w, "lowest deletion AUC: %s; highest insertion AUC: %s (where the intervals overlap, the difference may be chance)\n", sum[bestDel].Method, sum[bestIns].Method)
	}
}
