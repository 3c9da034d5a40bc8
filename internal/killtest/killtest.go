package killtest

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"
)

const (
	childEnv = "ARTLENS_KILLTEST_CHILD"
	dirEnv   = "ARTLENS_KILLTEST_DIR"
)

// Run kills a writer at random moments, rounds times (a quarter of them
// with -short), in a folder of its own. Each round calls setup (which
// writes the file's old content), starts the test binary again running
// only this test, where write is called with 0, 1, 2, ... until the child
// is killed after a random delay of up to maxDelay, and then calls check,
// which must fail the test unless the folder holds one whole version of
// the file. Run must come first in the test: in the child it never
// returns.
func Run(t *testing.T, rounds int, maxDelay time.Duration, setup func(dir string), write func(dir string, i int), check func(dir string)) {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		dir := os.Getenv(dirEnv)
		for i := 0; ; i++ {
			write(dir, i)
		}
	}
	if testing.Short() {
		rounds = (rounds + 3) / 4
	}
	dir := t.TempDir()
	for r := 0; r < rounds; r++ {
		setup(dir)
		cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+t.Name(), dirEnv+"="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(maxDelay))))
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil {
			t.Fatal("the writer exited by itself")
		}
		check(dir)
	}
}
