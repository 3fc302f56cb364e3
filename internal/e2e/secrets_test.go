package e2e_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// Terraform writes every variable that is not ephemeral into a saved plan, sensitive or not: `terraform show -json`
// prints it under variables.<name>.value. The docs recommend the CODAT_API_KEY environment variable or an
// ephemeral variable (Terraform >= 1.10). With the real terraform, a saved plan and the state after applying it
// hold the key in no encoding for either recommended form, taken from docs/index.md itself, while the same
// configuration with the variable merely sensitive (the earlier advice) does leak it, which shows the scan can fail.
func TestAccSecrets_apiKeyKeptOutOfSavedPlans(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/index.md")
	if err != nil {
		t.Fatal(err)
	}
	recommended := docsBlockWith(string(doc), "ephemeral = true", "api_key = var.")
	if recommended == "" {
		t.Fatal("docs/index.md shows no provider configuration that passes api_key through an ephemeral variable")
	}
	if !strings.Contains(string(doc), "`CODAT_API_KEY`") {
		t.Fatal("docs/index.md does not recommend the CODAT_API_KEY environment variable")
	}
	variable := regexp.MustCompile(`api_key\s*=\s*var\.(\w+)`).FindStringSubmatch(recommended)[1]
	sensitiveOnly := regexp.MustCompile(`(?m)^\s*ephemeral\s*=\s*true.*\n`).ReplaceAllString(recommended, "")
	cases := []struct {
		name   string
		config string
		env    string // how the key reaches Terraform
		leaks  bool
	}{
		{"environment variable", `provider "codat" {}`, "CODAT_API_KEY", false},
		{"ephemeral variable (docs)", recommended, "TF_VAR_" + variable, false},
		{"sensitive variable", sensitiveOnly, "TF_VAR_" + variable, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			tf := acctest.NewCLI(t)
			tf.Setenv(c.env+"="+env.APIKey, "CODAT_BASE_URL="+env.URL)
			tf.WriteConfig(acctest.TerraformBlock + fmt.Sprintf(`
%s

resource "codat_company" "test" {
  name = "Planned"
}
`, c.config))
			if run := tf.Run("plan", "-input=false", "-no-color", "-out=saved.tfplan"); !run.OK() {
				t.Fatalf("plan: %s", run)
			}
			show := tf.Run("show", "-json", "saved.tfplan")
			if !show.OK() || !strings.Contains(show.Output, `"planned_values"`) {
				t.Fatalf("show: %s", show)
			}
			plan, err := os.ReadFile(filepath.Join(tf.Dir, "saved.tfplan"))
			if err != nil {
				t.Fatal(err)
			}
			found := append(keyEncodings(env.APIKey).in("terraform show -json", []byte(show.Output)),
				keyEncodings(env.APIKey).inPlanFile(t, plan)...)
			switch {
			case c.leaks && len(found) == 0:
				t.Errorf("the key did not show in the saved plan: the scan cannot find what it looks for")
			case !c.leaks && len(found) > 0:
				t.Errorf("the saved plan holds the API key: %v", found)
			}
			t.Logf("%s: the key appears in %v", c.name, found)
			if c.leaks {
				return
			}
			if run := tf.Run("apply", "-input=false", "-no-color", "saved.tfplan"); !run.OK() {
				t.Fatalf("apply of the saved plan: %s", run)
			}
			state, err := os.ReadFile(filepath.Join(tf.Dir, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			if len(env.Sandbox.Companies()) != 1 {
				t.Fatalf("the saved plan did not create the company")
			}
			if found := keyEncodings(env.APIKey).in("the state", state); len(found) > 0 {
				t.Errorf("the state holds the API key: %v", found)
			}
		})
	}
}

// docsBlockWith returns the first fenced code block of a Markdown page that contains every fragment, spaces in
// a fragment matching any run of spaces.
func docsBlockWith(page string, fragments ...string) string {
	blocks := regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(page, -1)
	for _, b := range blocks {
		all := true
		for _, f := range fragments {
			if !regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)).MatchString(b[1]) {
				all = false
			}
		}
		if all {
			return b[1]
		}
	}
	return ""
}

// keyEncodings are the encodings of a secret a file could hold it in.
type keyEncodings string

func (s keyEncodings) forms() map[string]string {
	key := string(s)
	return map[string]string{
		"plain":       key,
		"base64":      base64.StdEncoding.EncodeToString([]byte(key)),
		"base64url":   base64.URLEncoding.EncodeToString([]byte(key)),
		"url-encoded": url.QueryEscape(key),
		"hex":         fmt.Sprintf("%x", key),
	}
}

// in names the forms of the secret that data holds.
func (s keyEncodings) in(what string, data []byte) []string {
	var found []string
	for name, form := range s.forms() {
		if name != "plain" && form == string(s) {
			continue // this encoding leaves the key as it is
		}
		if bytes.Contains(data, []byte(form)) {
			found = append(found, what+" ("+name+")")
		}
	}
	return found
}

// inPlanFile looks in a saved plan's bytes and, as a plan file is a zip archive whose entries are compressed,
// in every entry uncompressed.
func (s keyEncodings) inPlanFile(t *testing.T, plan []byte) []string {
	t.Helper()
	found := s.in("the plan file", plan)
	zr, err := zip.NewReader(bytes.NewReader(plan), int64(len(plan)))
	if err != nil {
		t.Fatalf("the saved plan is not a zip archive: %v", err)
	}
	if len(zr.File) == 0 {
		t.Fatal("the saved plan has no entries")
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, s.in("plan entry "+f.Name, data)...)
	}
	return found
}
