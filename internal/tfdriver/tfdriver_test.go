package tfdriver_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

func TestProviderSourceIsTheProvidersAddress(t *testing.T) {
	if got := "registry.terraform.io/" + tfdriver.ProviderSource; got != provider.Address {
		t.Errorf("dev_overrides name %s, the provider serves %s", got, provider.Address)
	}
}

func TestCLIConfig(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		cfg  tfdriver.CLIConfig
		want string
	}{
		{tfdriver.CLIConfig{DevOverrides: "/p"}, `provider_installation {
  dev_overrides {
    "terraform-codat/codat" = "/p"
  }
  direct {}
}
disable_checkpoint = true
`},
		{tfdriver.CLIConfig{DevOverrides: "/p", Mirror: "/m"}, `provider_installation {
  dev_overrides {
    "terraform-codat/codat" = "/p"
  }
  filesystem_mirror {
    path    = "/m"
    include = ["terraform-codat/codat"]
  }
}
disable_checkpoint = true
`},
	} {
		path := filepath.Join(dir, "terraformrc")
		if err := tc.cfg.Write(path); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != tc.want {
			t.Errorf("%+v wrote\n%s\nwant\n%s", tc.cfg, b, tc.want)
		}
	}
}

// Nothing of the caller's Terraform, Codat or Xero settings reaches terraform.
func TestEnviron(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_CLI_ARGS_apply", "-parallelism=1")
	t.Setenv("TF_VAR_x", "1")
	t.Setenv("CODAT_API_KEY", "caller's key")
	t.Setenv("XERO_TOKEN_URL", "http://elsewhere")
	t.Setenv("KEEP_ME", "1")
	env := tfdriver.Environ("/cfg", "EXTRA=1")
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if slices.Contains([]string{"TF_LOG", "TF_CLI_ARGS_apply", "TF_VAR_x", "CODAT_API_KEY", "XERO_TOKEN_URL"}, name) {
			t.Errorf("%s reaches terraform", kv)
		}
	}
	for _, want := range []string{"KEEP_ME=1", "TF_CLI_CONFIG_FILE=/cfg", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1", "EXTRA=1"} {
		if !slices.Contains(env, want) {
			t.Errorf("the environment lacks %s", want)
		}
	}
}

func TestState(t *testing.T) {
	dir := t.TempDir()
	tf := &tfdriver.Terraform{Dir: dir}
	if objs, err := tf.State(); err != nil || objs != nil {
		t.Fatalf("before any apply: %v, %v", objs, err)
	}
	state := `{"version": 4, "resources": [
  {"mode": "managed", "type": "codat_company", "name": "c", "instances": [{"attributes": {"id": "1"}}]},
  {"module": "module.customer[\"acme\"]", "mode": "managed", "type": "codat_bank_feed_account", "name": "account",
   "instances": [{"index_key": "current", "status": "tainted", "attributes": {"id": "2"}},
                 {"index_key": "savings", "deposed": "0f1e2d3c", "attributes": {"id": "3"}}]},
  {"mode": "data", "type": "codat_company", "name": "d", "instances": [{"index_key": 0, "attributes": {"id": "4"}}]}
]}`
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := tf.State()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, strings.Join([]string{o.Address, o.Mode, o.Attr("id"), map[bool]string{true: "tainted"}[o.Tainted],
			map[bool]string{true: "deposed"}[o.Deposed]}, " "))
	}
	want := []string{
		"codat_company.c managed 1  ",
		`module.customer["acme"].codat_bank_feed_account.account["current"] managed 2 tainted `,
		`module.customer["acme"].codat_bank_feed_account.account["savings"] managed 3  deposed`,
		"data.codat_company.d[0] data 4  ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("state objects\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestErrors(t *testing.T) {
	out := `{"@level":"info","type":"version"}
{"@level":"error","type":"diagnostic","diagnostic":{"severity":"error","summary":"Invalid import ID","detail":"d","address":"codat_company.i0"}}
{"@level":"warn","type":"diagnostic","diagnostic":{"severity":"warning","summary":"w"}}
not json
`
	got := tfdriver.Errors(out)
	if len(got) != 1 || got[0] != (tfdriver.Diagnostic{Severity: "error", Summary: "Invalid import ID", Detail: "d", Address: "codat_company.i0"}) {
		t.Errorf("errors %+v", got)
	}
}

func TestReadClientLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "provider.log")
	log := `[DEBUG] provider: Codat API response: method=POST attempt=1 status=500
[DEBUG] provider: Retrying Codat API request: attempt=2
[DEBUG] provider: Codat API response: method=POST attempt=2 status=201
[DEBUG] provider: Codat API request failed without a response: attempt=1
[DEBUG] provider: Closed all our contexts
`
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := tfdriver.ReadClientLog(path)
	if err != nil || l != (tfdriver.ClientLog{Calls: 2, Retries: 1}) {
		t.Errorf("ReadClientLog = %+v, %v; want 2 calls, 1 retry", l, err)
	}
	if n, err := tfdriver.CountInLog(path, tfdriver.StoppedLine); n != 1 || err != nil {
		t.Errorf("CountInLog = %d, %v", n, err)
	}
	if n, err := tfdriver.CountInLog(path+".missing", tfdriver.StoppedLine); n != 0 || err != nil {
		t.Errorf("CountInLog of a log not written yet = %d, %v", n, err)
	}
}
