#!/usr/bin/env bash
# make demo: the provider against the embedded Codat sandbox, no Codat account needed.
# Builds the provider and the sandbox, starts the sandbox on a free loopback port, points Terraform at the
# freshly built provider through a temporary dev_overrides CLI configuration, applies examples/quickstart,
# prints its outputs, destroys everything and stops the sandbox.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
command -v terraform >/dev/null || { echo "terraform is not on PATH: install Terraform 1.11 or newer." >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/codat-demo.XXXXXX")
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ]; then
  step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  step() { printf '\n==> %s\n' "$*"; }
fi

step "Building the provider and the sandbox"
version=$(git -C "$root" describe --tags --always --dirty 2>/dev/null || echo dev)
(cd "$root" && go build -ldflags "-X main.version=$version" -o "$work/bin/terraform-provider-codat" .)
(cd "$root" && go build -o "$work/codat-sandbox" ./internal/sandbox/cmd/codat-sandbox)

step "Starting the Codat sandbox"
api_key="demo-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
"$work/codat-sandbox" -addr 127.0.0.1:0 -api-key "$api_key" -url-file "$work/url" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/url" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; echo "the sandbox exited" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/url" ] || { cat "$work/sandbox.log" >&2; echo "the sandbox did not start" >&2; exit 1; }
url=$(cat "$work/url")
echo "sandbox listening on $url"

cat >"$work/terraformrc" <<CFG
provider_installation {
  dev_overrides {
    "terraform-codat/codat" = "$work/bin"
  }
  direct {}
}
disable_checkpoint = true
CFG
# The demo's Xero app: the sandbox's fake Xero token endpoint will vouch for this client id and secret.
export TF_VAR_xero_client_id="DEMO0000000000000000000000000001"
export TF_VAR_xero_client_secret="demo-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
curl -fsS -o /dev/null -X POST "$url/_sandbox/xero/apps" -H 'Content-Type: application/json' \
  -d "{\"clientId\":\"$TF_VAR_xero_client_id\",\"clientSecret\":\"$TF_VAR_xero_client_secret\"}"

export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CODAT_BASE_URL="$url" CODAT_API_KEY="$api_key" XERO_TOKEN_URL="$url/xero/connect/token"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_LOG || true
if [ ! -t 1 ]; then
  export TF_CLI_ARGS_apply="-no-color" TF_CLI_ARGS_plan="-no-color" TF_CLI_ARGS_destroy="-no-color" TF_CLI_ARGS_output="-no-color"
fi

mkdir -p "$work/config"
cp -R "$root/examples/quickstart/." "$work/config/"
tf() { terraform -chdir="$work/config" "$@"; }
# The quickstart's customer module is local: terraform get installs it without touching providers.
tf get >/dev/null

step "terraform apply (examples/quickstart)"
tf apply -auto-approve -input=false -compact-warnings

step "Outputs: every customer waits for their SMB user (the check block above warns)"
tf output customers

step "terraform plan right after apply (expect no changes)"
tf plan -input=false -detailed-exitcode -compact-warnings >"$work/plan.txt" || {
  code=$?; cat "$work/plan.txt"; [ "$code" -eq 2 ] && echo "the plan after apply is not empty" >&2; exit 1; }
echo "No changes."

# eval prints the value of a Terraform expression against the current state, without quotes.
eval_tf() { echo "$1" | terraform -chdir="$work/config" console | tr -d '"'; }

step "Acme's SMB user opens their link_url and authorises Xero"
link=$(eval_tf 'module.customer["acme"].mapping.link_url')
echo "POST $link"
curl -fsS -o /dev/null -X POST "$link"

step "Refresh: the mapping data source now offers Acme's Xero bank accounts"
tf apply -auto-approve -input=false -compact-warnings >"$work/refresh.txt" || { cat "$work/refresh.txt"; exit 1; }
current=$(eval_tf '[for a in module.customer["acme"].mapping.accounts : a if a.source_account_id == "acme-current"][0]')
target_id=$(eval_tf '[for a in module.customer["acme"].mapping.accounts : a if a.source_account_id == "acme-current"][0].target_account_options[0].id')
target_name=$(eval_tf '[for a in module.customer["acme"].mapping.accounts : a if a.source_account_id == "acme-current"][0].target_account_options[0].name')
[ -n "$current" ] && [ -n "$target_id" ] || { echo "no Xero account is offered for acme-current" >&2; exit 1; }
echo "acme-current can feed: $target_name ($target_id)"

step "Acme's SMB user maps acme-current to \"$target_name\", acme-savings to \"Create New Account\", and clicks Connect"
start=$(date -u +%F)
curl -fsS -o /dev/null -X POST "${link%/start}/connect" \
  --data-urlencode "target.acme-current=$target_id" --data-urlencode "start.acme-current=$start" \
  --data-urlencode "target.acme-savings=new" --data-urlencode "start.acme-savings=$start"

step "terraform apply again: Acme is connected, the others still wait"
tf apply -auto-approve -input=false >"$work/reapply.txt" || { cat "$work/reapply.txt"; exit 1; }
grep -E "Warning: Check block assertion failed|Not every customer" "$work/reapply.txt" || true
tf output customers
connected=$(eval_tf 'module.customer["acme"].mapping.all_connected')
[ "$connected" = "true" ] || { echo "Acme's accounts are not all connected after the mapping" >&2; exit 1; }

step "terraform destroy"
tf destroy -auto-approve -input=false -compact-warnings >"$work/destroy.txt" || { cat "$work/destroy.txt"; exit 1; }
grep -E "^Destroy complete" "$work/destroy.txt"

step "Done: the sandbox is stopped and its data discarded"
