package demo_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/demo"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// The demo end to end, as make demo runs it, with DEMO_PAUSE's Enter given at once: it succeeds and its whole
// output fits on two screens; each step has its line with a duration, in order; the customers' links and progress
// are one table, printed once while the sandbox runs; the SMB user's customer is connected after the re-apply; and
// it ends by pointing at make sandbox and the guide.
func TestDemo(t *testing.T) {
	terraform := tfdriver.TerraformForTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var out strings.Builder
	err := demo.Run(ctx, demo.Options{RepoDir: "../..", Terraform: terraform, WorkDir: t.TempDir(), Out: &out,
		Pause: true, In: strings.NewReader("\n")})
	text := out.String()
	t.Logf("the demo printed:\n%s", text)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) > 120 {
		t.Errorf("the demo printed %d lines, want at most 120", len(lines))
	}

	stepLine := regexp.MustCompile(`^\[(\d)/6\] (build|start|apply|SMB user|re-apply|destroy) +\S.* \.\.\. (\d+(\.\d+)?(ms|s)|\d+m\d+(\.\d+)?s)$`)
	var steps []string
	for _, l := range lines {
		if m := stepLine.FindStringSubmatch(l); m != nil {
			steps = append(steps, m[1]+" "+m[2])
		}
	}
	if want := []string{"1 build", "2 start", "3 apply", "4 SMB user", "5 re-apply", "6 destroy"}; !slices.Equal(steps, want) {
		t.Errorf("step lines %q, want %q", steps, want)
	}

	// The table: a header, then one row per customer with its link_url and 0 of 2 accounts connected.
	header := slices.IndexFunc(lines, func(l string) bool {
		return regexp.MustCompile(`^\s+customer\s+link_url.*\sconnected$`).MatchString(l)
	})
	if header < 0 {
		t.Fatal("no table of customers")
	}
	row := regexp.MustCompile(`^\s+(acme|toft|wren)\s+(http://127\.0\.0\.1:\d+/link/companies/[0-9a-f-]{36}/connections/[0-9a-f-]{36}/start)\s+0/2$`)
	for i, key := range []string{"acme", "toft", "wren"} {
		if header+1+i >= len(lines) {
			t.Fatalf("the table ends before %s", key)
		}
		m := row.FindStringSubmatch(lines[header+1+i])
		if m == nil || m[1] != key {
			t.Errorf("table row %d is %q, want %s with its link_url and 0/2", i+1, lines[header+1+i], key)
			continue
		}
		if n := strings.Count(text, m[2]); n != 1 {
			t.Errorf("%s's link_url is printed %d times, want once", key, n)
		}
	}
	// The table comes before the pause, while the sandbox runs, and the pause before the SMB user.
	pause := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "DEMO_PAUSE") })
	smb := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "[4/6]") })
	if pause < header || smb < pause {
		t.Errorf("table at line %d, pause at %d, SMB user at %d: want them in that order", header, pause, smb)
	}

	for _, want := range []string{
		"Plan: 13 to add, 0 to change, 0 to destroy.",
		"terraform plan right after it: no changes.",
		"acme's SMB user opened their link_url, authorised Xero and connected acme-current -> ",
		"acme: 2/2 connected (was 0/2)",
		"still waiting for their SMB user: toft 0/2, wren 0/2",
		"Destroy complete! Resources: 13 destroyed.",
		"`make sandbox`",
		"docs/guides/try-it-locally.md",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo did not print %q", want)
		}
	}
	// A summary, not the plan itself.
	if strings.Contains(text, "will be created") {
		t.Error("the demo printed the full plan")
	}
}
