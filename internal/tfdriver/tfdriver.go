// Package tfdriver runs the real terraform binary against this provider, the way a user does: one process per
// command. It is the one place that writes a Terraform CLI configuration for the provider (dev_overrides), and it
// decides what terraform's environment holds (nothing of the caller's TF_* or CODAT_* settings). It runs commands
// to their end or interrupts them as Ctrl-C does, and reads what terraform leaves behind: the local state, saved
// plans as JSON, machine-readable diagnostics and the provider's log. The end-to-end suites (internal/e2e, through
// internal/acctest), the benchmark, the guide tests and the demo all drive terraform through it.
package tfdriver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	// ProviderSource is the provider's source address, as configurations and dev_overrides name it.
	ProviderSource = "terraform-codat/codat"
	// PluginName is the name of the executable Terraform runs the provider from.
	PluginName = "terraform-provider-codat"
)

// FindTerraform returns the terraform binary: TF_ACC_TERRAFORM_PATH when set (as terraform-plugin-testing reads
// it), otherwise terraform on PATH.
func FindTerraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("TF_ACC_TERRAFORM_PATH: %w", err)
		}
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("terraform is not on PATH: install Terraform 1.11 or newer (https://developer.hashicorp.com/terraform/install)")
	}
	return p, nil
}

// CLIConfig is a Terraform CLI configuration that runs this provider from a local directory.
type CLIConfig struct {
	// DevOverrides is the directory that holds the provider as PluginName; Terraform runs it from there for
	// ProviderSource without terraform init.
	DevOverrides string
	// Mirror, when set, is a filesystem mirror that answers terraform init for ProviderSource, offline: init (needed
	// for a backend block) resolves every provider a configuration names, dev_overrides or not. Without it, other
	// providers install directly from their registry.
	Mirror string
}

// Write writes the configuration to path.
func (c CLIConfig) Write(path string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n", ProviderSource, c.DevOverrides)
	if c.Mirror != "" {
		fmt.Fprintf(&b, "  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n", c.Mirror, ProviderSource)
	} else {
		b.WriteString("  direct {}\n")
	}
	b.WriteString("}\ndisable_checkpoint = true\n")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// LinkPlugin makes dir (created if need be) hold PluginName as a symbolic link to the executable target, replacing
// any link there.
func LinkPlugin(dir, target string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	link := filepath.Join(dir, PluginName)
	if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Symlink(target, link)
}

// Clean returns environ without the variables that would steer terraform or the provider elsewhere: TF_* (logging,
// extra arguments, another CLI configuration, variables), CODAT_* and XERO_TOKEN_URL.
func Clean(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "CODAT_") || name == "XERO_TOKEN_URL" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Environ is the environment of a terraform command: this process's environment, cleaned, with cliConfig as the
// CLI configuration, Terraform's settings for automation (no prompts, no update check), and extra ("NAME=value").
func Environ(cliConfig string, extra ...string) []string {
	env := append(Clean(os.Environ()),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
	return append(env, extra...)
}

// CopyConfig copies the .tf files of a configuration in src, its local modules' in subdirectories included, to dst,
// and nothing else: no state, lock file or .terraform directory someone may have left there.
func CopyConfig(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}
