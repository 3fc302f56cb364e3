// Package cmdmain is the main function of the repository's developer commands (codat-bench, codat-demo): the
// command's work runs with a context that Ctrl-C cancels, and an error ends the process with status 1 after one line
// on stderr that names the command.
package cmdmain

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

// Run runs the command called name and exits with status 1 when run fails.
func Run(name string, run func(context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
