package tfdriver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StateObject is one resource instance of a state: current, tainted or deposed.
type StateObject struct {
	Address    string // with module path and instance key
	Mode       string // "managed" or "data"
	Type       string
	Tainted    bool
	Deposed    bool
	Attributes map[string]any
}

// Attr is a string attribute, "" when it is null or not a string.
func (o StateObject) Attr(name string) string {
	s, _ := o.Attributes[name].(string)
	return s
}

// State reads the objects of the working directory's local state file (terraform.tfstate, format version 4); none
// before the first apply. Reading the file sees tainted and deposed objects too, and starts no terraform process.
func (tf *Terraform) State() ([]StateObject, error) {
	b, err := os.ReadFile(filepath.Join(tf.Dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var file struct {
		Version   int `json:"version"`
		Resources []struct {
			Module    string `json:"module"`
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any            `json:"index_key"`
				Status     string         `json:"status"`
				Deposed    string         `json:"deposed"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &file); err != nil || file.Version != 4 {
		return nil, fmt.Errorf("reading terraform.tfstate (version %d): %v", file.Version, err)
	}
	var objects []StateObject
	for _, r := range file.Resources {
		for _, inst := range r.Instances {
			addr := r.Type + "." + r.Name
			if r.Mode == "data" {
				addr = "data." + addr
			}
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			switch k := inst.IndexKey.(type) {
			case string:
				addr += fmt.Sprintf("[%q]", k)
			case float64:
				addr += fmt.Sprintf("[%d]", int(k))
			}
			objects = append(objects, StateObject{Address: addr, Mode: r.Mode, Type: r.Type, Tainted: inst.Status == "tainted",
				Deposed: inst.Deposed != "", Attributes: inst.Attributes})
		}
	}
	return objects, nil
}

// Plan is what terraform show -json prints of a saved plan, as far as this repository reads it.
type Plan struct {
	ResourceChanges []ResourceChange `json:"resource_changes"`
	PriorState      struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	} `json:"prior_state"`
}

// ResourceChange is what a plan does to one resource instance.
type ResourceChange struct {
	Address string `json:"address"`
	Mode    string `json:"mode"`
	Type    string `json:"type"`
	Change  struct {
		Actions []string `json:"actions"`
		// Importing is set (not null) when the change imports the object.
		Importing json.RawMessage `json:"importing"`
	} `json:"change"`
}

// Imports reports whether the change imports its object.
func (rc ResourceChange) Imports() bool {
	return len(rc.Change.Importing) > 0 && string(rc.Change.Importing) != "null"
}

// ShowPlan reads a saved plan with terraform show -json. Only terraform's standard output is decoded: its warnings
// (such as the one dev_overrides gives) go to standard error.
func (tf *Terraform) ShowPlan(ctx context.Context, planFile string) (*Plan, error) {
	cmd := tf.Command(ctx, "show", "-json", planFile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("terraform show -json %s: %w\n%s", planFile, err, stderr.String())
	}
	var plan Plan
	if err := json.Unmarshal(out, &plan); err != nil {
		return nil, fmt.Errorf("terraform show -json %s: %w\n%s", planFile, err, out)
	}
	return &plan, nil
}

// Output decodes a root module output with terraform output -json.
func (tf *Terraform) Output(ctx context.Context, name string, v any) error {
	cmd := tf.Command(ctx, "output", "-json", name)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("terraform output -json %s: %w\n%s", name, err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("terraform output -json %s: %w\n%s", name, err, out)
	}
	return nil
}

// Diagnostic is one diagnostic of terraform's machine-readable output (-json).
type Diagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

// Errors returns the error diagnostics of a command's machine-readable output, one JSON message a line.
func Errors(jsonOutput string) []Diagnostic {
	var diags []Diagnostic
	for line := range strings.Lines(jsonOutput) {
		var msg struct {
			Type       string     `json:"type"`
			Diagnostic Diagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Severity == "error" {
			diags = append(diags, msg.Diagnostic)
		}
	}
	return diags
}
