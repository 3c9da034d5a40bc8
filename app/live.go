package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/artlens/artlens/engine"
	"github.com/artlens/artlens/frames"
)

func init() {
	register("live", "run the network live on a camera, a video file or a slide show of a folder, as the window's live view does", runLive)
}

// liveFrame is one line of `live --json`: a kept frame.
type liveFrame struct {
	Frame         int                `json:"frame"`
	Class         string             `json:"class,omitempty"`
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	MS            float64            `json:"ms"`
	Error         string             `json:"error,omitempty"`
}

// liveSummary is the last line of `live --json`.
type liveSummary struct {
	Frames  int     `json:"frames"`
	Dropped int     `json:"dropped"`
	FPS     float64 `json:"fps"`
	Error   string  `json:"error,omitempty"`
}

// liveTopClasses is how many classes a frame's line gives for a model of
// many classes (an ImageNet network's thousand would make each line 30 KB).
const liveTopClasses = 5

func runLive(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("live", "--source camera|camera:N|DEVICE|VIDEO|FOLDER [--frames N] [--json] [--model FILE] [--layer L,...] [--fps F]", stdout, stderr)
	source := fs.String("source", "", "where the frames come from: camera (the first found), camera:N, a device path (/dev/video2), an animated GIF, a Motion-JPEG AVI (played at its own rate, looped), a folder of pictures or one picture; required")
	nframes := fs.Int("frames", 0, "stop after this `number` of kept frames (default: run until the source ends or Ctrl+C)")
	asJSON := fs.Bool("json", false, "print one JSON object per kept frame (frame, class, probabilities, ms) and a last one with frames, dropped and fps")
	layer := fs.String("layer", "", "`layers` whose maps each frame computes, by number or name, comma-separated (default: as the Explore view: 1,3,4 for the study's network)")
	fps := fs.Float64("fps", 1, "a folder's slide show speed in `pictures` a second")
	list := fs.Bool("list", false, "list the cameras found and exit")
	model := fs.String("model", "", modelUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *list {
		cams, err := frames.Cameras()
		if err != nil {
			return fail(stderr, "%v", err)
		}
		if len(cams) == 0 {
			fmt.Fprintln(stdout, "no camera found")
		}
		for i, c := range cams {
			fmt.Fprintf(stdout, "camera:%d\t%s\t%s\n", i, c.Path, c.Name)
		}
		return 0
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "live", "unexpected %q: the source is given with --source", fs.Arg(0))
	}
	if *source == "" {
		return usageError(stderr, "live", "--source is required: camera, camera:N, a device path, a video file (GIF, Motion-JPEG AVI) or a folder")
	}
	if *nframes < 0 || *fps <= 0 {
		return usageError(stderr, "live", "--frames must not be negative and --fps must be above 0")
	}
	m, err := loadModel(*model)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	var layers []int
	if *layer != "" {
		for _, s := range strings.Split(*layer, ",") {
			l, err := m.PlaceNumber(s)
			if err != nil {
				return usageError(stderr, "live", "--layer: %v", err)
			}
			layers = append(layers, l)
		}
	}
	src, err := frames.Open(*source, frames.Options{FPS: *fps})
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer src.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	enc := json.NewEncoder(stdout)
	st, err := frames.Run(ctx, m, src, frames.LoopOptions{Layers: layers, MaxFrames: *nframes}, func(r *frames.Result) {
		line := liveLine(m, r)
		if *asJSON {
			enc.Encode(line)
			return
		}
		if line.Error != "" {
			fmt.Fprintf(stdout, "frame %d: %s\n", r.Frame, line.Error)
			return
		}
		fmt.Fprintf(stdout, "frame %d\t%s\t%.1f%%\t%.0f ms\t%.1f fps\t%d dropped\n", r.Frame, line.Class,
			100*r.Probabilities[r.Class], line.MS, r.FPS, r.Dropped)
	})
	sum := liveSummary{Frames: st.Kept, Dropped: st.Dropped, FPS: st.FPS}
	if err != nil {
		sum.Error = oneLine(err.Error())
	}
	if *asJSON {
		enc.Encode(sum)
	} else {
		fmt.Fprintf(stdout, "%d frames kept, %d dropped, %.1f frames a second\n", sum.Frames, sum.Dropped, sum.FPS)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fail(stderr, "%s: %v", src.Name(), err)
	}
	return 0
}

// liveLine is a kept frame's line: all probabilities for a model of a few
// classes, the most probable liveTopClasses for more.
func liveLine(m *engine.Model, r *frames.Result) liveFrame {
	line := liveFrame{Frame: r.Frame, MS: float64(r.Took.Microseconds()) / 1000}
	if r.Err != nil {
		line.Error = oneLine(r.Err.Error())
		return line
	}
	classes := m.Meta.Classes
	line.Class = classes[r.Class]
	order := make([]int, len(r.Probabilities))
	for i := range order {
		order[i] = i
	}
	if len(order) > 2*liveTopClasses {
		sort.SliceStable(order, func(a, b int) bool { return r.Probabilities[order[a]] > r.Probabilities[order[b]] })
		order = order[:liveTopClasses]
	}
	line.Probabilities = map[string]float64{}
	for _, i := range order {
		line.Probabilities[classes[i]] = float64(r.Probabilities[i])
	}
	return line
}
