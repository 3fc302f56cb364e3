//go:build linux

package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func wrap(target, statsDir string) int {
	cmd := exec.Command(target, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = withoutEnv(os.Environ(), envWrapTarget, envWrapStats)
	// Should the wrapper be killed, the provider goes with it instead of lingering.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	// Signals meant for the provider reach it; the provider decides what to do with them.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "codat-bench wrapper: %v\n", err)
		return 1
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	code := 0
	if err != nil {
		code = 1
		if exit, ok := err.(*exec.ExitError); ok && exit.ExitCode() >= 0 {
			code = exit.ExitCode()
		}
	}
	if statsDir != "" && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			st := processStats{
				PID:        cmd.ProcessState.Pid(),
				MaxRSSKiB:  ru.Maxrss, // kibibytes on Linux
				UserMicros: ru.Utime.Sec*1e6 + ru.Utime.Usec,
				SysMicros:  ru.Stime.Sec*1e6 + ru.Stime.Usec,
				WallMicros: wall.Microseconds(),
				ExitCode:   code,
			}
			if b, err := json.Marshal(st); err == nil {
				name := filepath.Join(statsDir, "provider-"+strconv.Itoa(st.PID)+".json")
				if err := os.WriteFile(name, b, 0o600); err != nil {
					fmt.Fprintf(os.Stderr, "codat-bench wrapper: %v\n", err)
				}
			}
		}
	}
	return code
}
