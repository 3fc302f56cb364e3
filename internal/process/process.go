// Package process fits the provider's process to its short life under Terraform: no log lines Terraform will not
// show, a garbage collector tuned for much allocation and a small live heap, and, in the benchprofile build, CPU and
// allocation profiles. BENCHMARKS.md measures these settings.
package process

import (
	"os"
	"runtime/debug"
)

// Terraform starts a provider process for each walk of an operation (schema, validate, plan, apply) and stops it
// at the end of the walk; these settings fit that short life.

// Log levels of the plugin SDK and of the provider's own loggers, read from the environment when the server starts.
var sdkLogLevels = []string{
	"TF_LOG_SDK",
	"TF_LOG_SDK_PROTO",
	"TF_LOG_SDK_FRAMEWORK",
	"TF_LOG_PROVIDER_CODAT",
}

// QuietUnshownLogs stops the provider from writing log lines Terraform will not show. Terraform shows provider logs
// only when TF_LOG or TF_LOG_PROVIDER is set, yet it reads and parses every line a provider writes before dropping
// it, and the plugin SDK logs every request at TRACE unless its level is set: writing those lines took a quarter
// of the provider's CPU time, and parsing them more of Terraform's. A level set explicitly, for instance
// TF_LOG_SDK_FRAMEWORK=debug, is left alone.
func QuietUnshownLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range sdkLogLevels {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}

// gcPercent is the garbage collector's target when GOGC is not set. The plugin SDK allocates a lot per request
// while the provider keeps little (its live heap stays near 10 MB at 500 customers), so Go's default of 100 runs
// a collection every few requests. 400 cuts the provider's CPU time by a quarter for 15 to 30 MB more memory.
const gcPercent = 400

// RelaxGC sets the garbage collector's target to gcPercent unless GOGC is set.
func RelaxGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}
