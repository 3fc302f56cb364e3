package sandbox

import (
	"encoding/json"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// The link pages are server-rendered HTML with a little inline CSS and no JavaScript, so they
// work in any browser, in a headless one and with curl. The SMB user often opens their link on a
// phone, so the pages work from 320 CSS px wide: below the breakpoint in linkStyle the tables of
// accounts become one block per account, each cell labelled from its data-label, with the
// controls at full width; every control is at least 44 px high and wide, the touch-target size of
// WCAG 2.2 (2.5.5) and of Apple's guidelines, and 16 px text so that iOS does not zoom into a field.

const linkStyle = `
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--brand:#0b7fab;--brand-dark:#075e80;--ok:#1b6e44;--warn:#8a5100;--bad:#b42318}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);overflow-wrap:break-word}
header{background:#1f2933;color:#fff;padding:12px 24px;font-weight:600;letter-spacing:.01em}
header span{color:#7dd3f5;font-weight:400;margin-left:6px}
main{max-width:1000px;margin:28px auto;padding:0 24px}
h1{font-size:24px;line-height:1.25;margin:0 0 4px}
h2{font-size:18px;margin:0 0 6px}
p{margin:0 0 12px}
code{font-size:13px;background:#eef2f6;border-radius:4px;padding:1px 5px;overflow-wrap:anywhere}
.meta{color:var(--muted);margin:0 0 20px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:0 0 20px;box-shadow:0 1px 2px rgba(31,41,51,.05)}
.lead{color:var(--muted);margin:0 0 16px}
table{width:100%;border-collapse:collapse}
th{text-align:left;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line);padding:8px 10px}
td{padding:12px 10px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
tr:last-child td{border-bottom:0}
#manage td{vertical-align:middle}
.sub{display:block;color:var(--muted);font-size:13px;font-weight:400}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.num{white-space:nowrap}
select,input[type=date]{font:inherit;font-size:16px;color:inherit;min-height:44px;padding:8px 10px;border:1px solid #9aa5b1;border-radius:6px;background:#fff}
select{width:100%;min-width:200px}
select:focus,input:focus,button:focus{outline:2px solid var(--brand);outline-offset:1px}
button{font:inherit;font-weight:600;min-height:44px;min-width:44px;border-radius:6px;padding:9px 22px;cursor:pointer;border:1px solid transparent}
.primary{background:var(--brand);color:#fff}
.primary:hover{background:var(--brand-dark)}
.danger{background:#fff;color:var(--bad);border-color:#e8a49c;padding:9px 16px}
.danger:hover{background:#fff1f0}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;background:#e4e7eb;color:#3e4c59;white-space:nowrap}
.s-connected,.s-Linked{background:#ddf6e4;color:var(--ok)}
.s-connecting,.s-PendingAuth{background:#fff0c2;color:var(--warn)}
.s-disconnected,.s-Deauthorized,.s-Unlinked{background:#ffe4e1;color:var(--bad)}
.notice,.error{border-radius:8px;padding:10px 14px;margin:0 0 20px}
.notice{background:#e6f7ec;border:1px solid #a6dcb7;color:var(--ok)}
.error{background:#fff1f0;border:1px solid #f1b0a8;color:var(--bad)}
.error ul{margin:0;padding-left:18px}
.actions{display:flex;gap:16px;justify-content:space-between;align-items:center;margin-top:18px}
.actions button{flex:none}
.hint{color:var(--muted);font-size:13px}
.consent{max-width:520px;margin:8px auto 20px;text-align:center}
.logo{display:inline-block;width:56px;height:56px;line-height:56px;border-radius:50%;background:#13b5ea;color:#fff;font-weight:700;font-size:17px;margin-bottom:10px}
.consent ul{text-align:left;display:inline-block;margin:4px 0 18px;padding-left:20px}
footer{max-width:1000px;margin:0 auto 28px;padding:0 24px;color:var(--muted);font-size:12px}
@media (max-width:799px){
header{padding:12px 16px}
main{margin:16px auto;padding:0 12px}
footer{padding:0 12px}
h1{font-size:21px}
.card{padding:16px}
.stack,.stack tbody,.stack tr,.stack td{display:block;width:100%}
.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.stack tr{padding:14px 0;border-bottom:1px solid var(--line)}
.stack tr:first-child{padding-top:0}
.stack tr:last-child{border-bottom:0;padding-bottom:0}
.stack td{border:0;padding:5px 0}
.stack td[data-label]::before{content:attr(data-label);display:block;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin-bottom:3px}
.stack .name{font-weight:600;font-size:16px}
.stack .num{white-space:normal}
.stack select,.stack input[type=date]{display:block;width:100%;min-width:0}
.stack .danger{width:100%;margin-top:4px}
.actions{flex-direction:column;align-items:stretch}
.actions button,.consent button{width:100%}
}
`

const linkLayout = `{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>` + linkStyle + `</style></head>
<body>
<header>Codat <span>sandbox</span></header>
<main>
{{end}}
{{define "foot"}}</main>
<footer>This page is served by the Codat sandbox: nothing here reaches Codat or Xero.</footer>
</body></html>
{{end}}
`

const companyPage = `{{define "company"}}{{template "head" (printf "Connect %s" .Company.Name)}}
<h1>{{.Company.Name}}</h1>
<p class="meta">Company <code>{{.Company.ID}}</code></p>
<section class="card">
{{if .Connections}}<table>
<thead><tr><th scope="col">Connection</th><th scope="col">Status</th></tr></thead>
<tbody>{{range .Connections}}<tr><td><a href="{{.Link}}">{{.PlatformName}}</a><span class="sub">{{.ID}}</span></td><td><span class="badge s-{{.Status}}">{{.Status}}</span></td></tr>
{{end}}</tbody></table>{{else}}<p>This company has no connections yet.</p>{{end}}
</section>
{{template "foot"}}{{end}}
`

const connectionPage = `{{define "connection"}}{{template "head" (printf "Connect %s to %s" .Company.Name .Connection.PlatformName)}}
<h1>Connect {{.Company.Name}} to {{.Connection.PlatformName}}</h1>
<p class="meta">Connection <code>{{.Connection.ID}}</code> is <strong id="status" class="badge s-{{.Connection.Status}}">{{.Connection.Status}}</strong></p>
{{with .Notice}}<p class="notice" id="notice" role="status">{{.}}</p>
{{end}}{{with .Errors}}<div class="error" id="error" role="alert">{{if eq (len .) 1}}{{index . 0}}{{else}}<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}</div>
{{end}}
{{- if ne .Connection.Status "Linked"}}{{template "authorise" .}}
{{- else if .Unsupported}}<section class="card"><p>{{.Unsupported}}</p></section>
{{- else}}{{template "manage" .}}{{template "mapping" .}}
{{- end}}
{{template "foot"}}{{end}}

{{define "authorise"}}<section class="card consent" id="authorise">
<div class="logo" aria-hidden="true">{{.Connection.PlatformName}}</div>
<h2>Authorise with {{.Connection.PlatformName}}</h2>
<p class="lead">{{if eq .Connection.Status "PendingAuth"}}Codat would like to connect to your {{.Connection.PlatformName}} organisation <strong>{{.Company.Name}}</strong> to set up bank feeds.
{{- else}}Access to your {{.Connection.PlatformName}} organisation has lapsed ({{.Connection.Status}}): authorise again to keep your bank feeds.{{end}}</p>
<ul><li>Read your organisation's bank accounts</li><li>Create bank accounts and bank feeds</li></ul>
<form method="post" action="{{.Start}}"><button type="submit" class="primary" id="authorise-button">Authorise with {{.Connection.PlatformName}}</button></form>
<p class="hint">Simulated: no {{.Connection.PlatformName}} login is needed in the sandbox.</p>
</section>
{{end}}

{{define "manage"}}{{if .Fed}}<section class="card" id="manage">
<h2>Manage your connected accounts</h2>
<p class="lead">These bank accounts feed {{.Connection.PlatformName}}. Disconnect one to stop its feed at once.</p>
<table class="stack">
<thead><tr><th scope="col">Bank account</th><th scope="col">{{.Connection.PlatformName}} account</th><th scope="col">Feed start date</th><th scope="col">Status</th><th scope="col"><span class="vh">Action</span></th></tr></thead>
<tbody>{{range .Fed}}<tr data-account="{{.ID}}"><td class="name">{{.AccountName}}<span class="sub">{{template "number" .}}</span></td>
<td data-label="{{$.Connection.PlatformName}} account">{{.TargetAccountName}}</td>
<td class="num" data-label="Feed start date">{{longDate .FeedStartDate}}</td>
<td data-label="Status"><span class="badge s-{{.Status}}">{{.Status}}</span></td>
<td><form method="post" action="{{$.Disconnect}}"><input type="hidden" name="account" value="{{.ID}}"><button type="submit" class="danger" aria-label="Disconnect {{.AccountName}}">Disconnect</button></form></td></tr>
{{end}}</tbody></table>
</section>
{{end}}{{end}}

{{define "mapping"}}{{if .Mappable}}<section class="card" id="mapping">
<h2>{{if .Fed}}Connect more accounts{{else}}Choose the bank accounts to connect{{end}}</h2>
<p class="lead">Map each bank account to a {{.Connection.PlatformName}} account of the same currency and type (bank or credit card), or create a new one.
Transactions flow from the feed start date. {{.Connection.PlatformName}} takes transactions up to one year old, so a date from {{longDate .Earliest}} to today, {{longDate .Latest}}, is usual.</p>
<form method="post" action="{{.Connect}}" id="connect-form">
<table class="stack">
<thead><tr><th scope="col">Bank account</th><th scope="col">Balance</th><th scope="col">{{.Connection.PlatformName}} account</th><th scope="col">Feed start date</th></tr></thead>
<tbody>{{range .Mappable}}<tr data-account="{{.ID}}"><td class="name">{{.AccountName}}{{if ne .Status "pending"}} <span class="badge s-{{.Status}}">{{.Status}}</span>{{end}}<span class="sub">{{template "number" .}}</span></td>
<td class="num" data-label="Balance">{{.Currency}} {{balance .Balance}}</td>
<td data-label="{{$.Connection.PlatformName}} account"><select name="target.{{.ID}}" aria-label="{{$.Connection.PlatformName}} account for {{.AccountName}}">
<option value="">Don't connect this account</option>
{{- $target := .Target}}{{range .Options}}
<option value="{{.ID}}"{{if eq .ID $target}} selected{{end}}>{{.Name}}{{with .AccountNumber}} ({{.}}){{end}}</option>
{{- end}}
<option value="new"{{if eq .Target "new"}} selected{{end}}>Create New Account</option>
</select><span class="sub">Create New Account adds “{{.AccountName}}” to {{$.Connection.PlatformName}}.</span></td>
<td data-label="Feed start date"><input type="date" name="start.{{.ID}}" value="{{.Start}}" aria-label="Feed start date for {{.AccountName}}"></td></tr>
{{end}}</tbody></table>
<div class="actions"><span class="hint">Only {{.Connection.PlatformName}} accounts of the bank account's currency and type that no other feed uses are offered.</span>
<button type="submit" class="primary" id="connect-button">Connect</button></div>
</form>
</section>
{{else if not .Fed}}<section class="card" id="mapping"><h2>No bank accounts yet</h2>
<p>{{.Company.Name}} has no bank accounts to connect yet. Reload this page once they have been added.</p></section>
{{end}}{{end}}

{{define "number"}}{{with .SortCode}}{{sortCode .}} {{end}}{{.AccountNumber}} · {{.Currency}}{{end}}
`

const notFoundPage = `{{define "notfound"}}{{template "head" "Link not found"}}
<h1>This link is not valid</h1>
<section class="card"><p>The company or connection it points to does not exist in this sandbox. It may have been
deleted, or the sandbox restarted: it keeps everything in memory.</p></section>
{{template "foot"}}{{end}}
`

// longDateLayout is how the pages write a date for people.
const longDateLayout = "2 January 2006"

var linkTemplates = template.Must(template.New("link").Funcs(template.FuncMap{
	"isoDate":  func(t time.Time) string { return t.Format(dateLayout) },
	"longDate": func(t time.Time) string { return t.Format(longDateLayout) },
	"sortCode": formatSortCode,
	"balance":  formatBalance,
}).Parse(linkLayout + companyPage + connectionPage + notFoundPage))

// formatSortCode writes a six-digit UK sort code as 12-34-56.
func formatSortCode(code string) string {
	if len(code) != 6 {
		return code
	}
	return code[:2] + "-" + code[2:4] + "-" + code[4:]
}

// formatBalance writes a decimal with two places and thousands separators, e.g. -1,520.50.
func formatBalance(n json.Number) string {
	f, err := n.Float64()
	if err != nil {
		return n.String()
	}
	digits := strconv.FormatFloat(math.Abs(f), 'f', 2, 64)
	whole, cents := digits[:len(digits)-3], digits[len(digits)-3:]
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + cents
}
