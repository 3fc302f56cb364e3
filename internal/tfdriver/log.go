package tfdriver

import (
	"errors"
	"os"
	"regexp"
	"strings"
)

// The provider's log, written by terraform to a file (TF_LOG_PATH). Each function below returns the environment
// variables that turn one kind of log on; add them to Terraform.Env.

// ClientLogEnv logs the provider's own lines at DEBUG, among them the Codat client's request lines, which
// ReadClientLog counts; the SDK's many lines are left out.
func ClientLogEnv(path string) []string {
	return []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + path,
		"TF_LOG_SDK=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_SDK_PROTO=OFF"}
}

// StopLogEnv logs the provider's protocol at TRACE, which records each time Terraform stops the provider
// (StoppedLine).
func StopLogEnv(path string) []string {
	return []string{"TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH=" + path,
		"TF_LOG_SDK=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_SDK_PROTO=TRACE"}
}

// TraceLogEnv logs everything, terraform's own lines included, at TRACE: what a user sends with a bug report.
func TraceLogEnv(path string) []string {
	return []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + path}
}

// StoppedLine is what terraform-plugin-go logs once StopProvider has cancelled the contexts of the provider's
// running operations.
const StoppedLine = "Closed all our contexts"

// CountInLog counts the occurrences of text in the log at path; a log not written yet holds none.
func CountInLog(path, text string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strings.Count(string(b), text), nil
}

// ClientLog counts the Codat client's request lines in the provider's log.
type ClientLog struct {
	// Calls is the number of logical API calls: first attempts, answered or not.
	Calls int
	// Retries is the number of retries the client decided on (Go's HTTP transport may resend a request on a
	// dropped keep-alive connection by itself; the sandbox counts those, this does not).
	Retries int
}

var logAttemptPattern = regexp.MustCompile(`Codat API (?:response|request failed without a response):.*\battempt=(\d+)\b`)

// ReadClientLog reads a log written with ClientLogEnv, over every command run so far.
func ReadClientLog(path string) (ClientLog, error) {
	var l ClientLog
	b, err := os.ReadFile(path)
	if err != nil {
		return l, err
	}
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "Retrying Codat API request") {
			l.Retries++
		} else if m := logAttemptPattern.FindStringSubmatch(line); m != nil && m[1] == "1" {
			l.Calls++
		}
	}
	return l, nil
}
