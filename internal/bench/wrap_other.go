//go:build !linux

package bench

import (
	"fmt"
	"os"
)

func wrap(string, string) int {
	fmt.Fprintln(os.Stderr, "codat-bench: measuring the provider process needs Linux")
	return 1
}
