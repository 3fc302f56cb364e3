package tfdriver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Terraform runs terraform commands in one working directory.
type Terraform struct {
	// Bin is the terraform binary.
	Bin string
	// Dir is the working directory.
	Dir string
	// Env is the whole environment of every command (see Environ).
	Env []string
}

// Result is the outcome of one terraform command that ran.
type Result struct {
	Args     []string
	Output   string // standard output and standard error, interleaved
	ExitCode int
}

// OK reports whether the command succeeded.
func (r Result) OK() bool { return r.ExitCode == 0 }

func (r Result) String() string {
	return fmt.Sprintf("terraform %s exited %d:\n%s", strings.Join(r.Args, " "), r.ExitCode, r.Output)
}

// Command prepares terraform with args in the working directory; the caller sets its output and runs it. When ctx
// ends, terraform is interrupted as by Ctrl-C, so that it stops its plugins and saves its state, and killed if it
// has not exited a minute later.
func (tf *Terraform) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, tf.Bin, args...)
	cmd.Dir = tf.Dir
	cmd.Env = tf.Env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	// Terraform waits for its plugins; do not wait long for their pipes after terraform itself is gone.
	cmd.WaitDelay = time.Minute
	return cmd
}

// Run runs one command to its end. A terraform that ran and failed is a Result with its exit code; the error is
// for a command that could not start or did not end before ctx did.
func (tf *Terraform) Run(ctx context.Context, args ...string) (Result, error) {
	cmd, out := tf.start(ctx, args)
	if err := cmd.Start(); err != nil {
		return Result{Args: args}, err
	}
	return tf.wait(ctx, cmd, out, args, cmd.Wait())
}

// Interrupt runs terraform with args and sends it an interrupt (Ctrl-C) as soon as ready reports true (asked every
// 20 ms), then runs afterSignal (when not nil) and waits for terraform to exit. Terraform exiting before the
// interrupt is an error.
func (tf *Terraform) Interrupt(ctx context.Context, ready func() bool, afterSignal func(), args ...string) (Result, error) {
	if runtime.GOOS == "windows" {
		return Result{Args: args}, errors.New("sending an interrupt to another process is not supported on Windows")
	}
	cmd, out := tf.start(ctx, args)
	if err := cmd.Start(); err != nil {
		return Result{Args: args}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for !ready() {
		select {
		case err := <-exited:
			return Result{Args: args, Output: out.String()}, fmt.Errorf("terraform %s exited (%v) before it could be interrupted:\n%s",
				strings.Join(args, " "), err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		return Result{Args: args}, err
	}
	if afterSignal != nil {
		afterSignal()
	}
	return tf.wait(ctx, cmd, out, args, <-exited)
}

// start prepares a command whose standard output and error go to one buffer: exec.Cmd has one goroutine at a time
// write to it, and it is read once terraform has exited.
func (tf *Terraform) start(ctx context.Context, args []string) (*exec.Cmd, *bytes.Buffer) {
	cmd := tf.Command(ctx, args...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	return cmd, out
}

func (tf *Terraform) wait(ctx context.Context, cmd *exec.Cmd, out *bytes.Buffer, args []string, err error) (Result, error) {
	res := Result{Args: args, Output: out.String(), ExitCode: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		return res, fmt.Errorf("terraform %s did not finish: %w\n%s", strings.Join(args, " "), ctx.Err(), res.Output)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, res.Output)
	}
	return res, nil
}
