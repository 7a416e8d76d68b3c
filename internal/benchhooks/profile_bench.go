//go:build benchprofile

package benchhooks

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// StartProfile writes a CPU profile of this process to
// $NETMAKER_TF_CPUPROFILE_DIR/cpu-<pid>.pprof, until stop is called.
func StartProfile() (stop func()) {
	dir := os.Getenv("NETMAKER_TF_CPUPROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		log.Fatal(err.Error())
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err.Error())
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
