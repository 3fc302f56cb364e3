package demo

import (
	"context"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// customer is one entry of the quickstart's customers output.
type customer struct {
	LinkURL    string            `json:"link_url"`
	Connection string            `json:"connection"`
	Connected  string            `json:"connected"` // "connected/total"
	Accounts   map[string]string `json:"accounts"`
}

func (c customer) done() bool {
	n, total, _ := strings.Cut(c.Connected, "/")
	return n == total
}

type customers map[string]customer

// customers reads the quickstart's customers output.
func (r *run) customers(ctx context.Context) (customers, error) {
	var cs customers
	if err := r.tf.Output(ctx, "customers", &cs); err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("the quickstart's customers output is empty")
	}
	return cs, nil
}

// table is one line per customer: its link_url, which the customer opens to authorise Xero and map accounts, and
// how many of its accounts are connected.
func (cs customers) table() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "customer\tlink_url (open it in a browser while the sandbox runs)\tconnected")
	for _, k := range slices.Sorted(maps.Keys(cs)) {
		fmt.Fprintf(w, "%s\t%s\t%s\n", k, cs[k].LinkURL, cs[k].Connected)
	}
	w.Flush()
	return b.String()
}

// progress names the customers whose progress changed between two reads, and the others in one line.
func progress(before, after customers) string {
	var changed, same []string
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if before[k].Connected != after[k].Connected {
			var accounts []string
			for _, a := range slices.Sorted(maps.Keys(after[k].Accounts)) {
				accounts = append(accounts, a+": "+after[k].Accounts[a])
			}
			changed = append(changed, fmt.Sprintf("%s: %s connected (was %s); %s", k, after[k].Connected, before[k].Connected,
				strings.Join(accounts, ", ")))
		} else {
			same = append(same, fmt.Sprintf("%s %s", k, after[k].Connected))
		}
	}
	if len(same) > 0 {
		changed = append(changed, "still waiting for their SMB user: "+strings.Join(same, ", "))
	}
	return strings.Join(changed, "\n")
}

var (
	selectRE = regexp.MustCompile(`(?s)<select name="target\.([^"]+)"[^>]*>(.*?)</select>`)
	optionRE = regexp.MustCompile(`<option value="([^"]*)"[^>]*>([^<]*)</option>`)
)

// smbUser plays the SMB user of the first customer (by key) with accounts left to connect, through the sandbox's
// mapping page as a browser would: they open their link_url, authorise Xero, and on the page that follows map their
// first account (by id) to the first Xero account it offers and every other account to a new Xero account, with
// feeds from today. It returns the customer's key, "" when every customer is connected already.
func (r *run) smbUser(ctx context.Context, cs customers) (key, detail string, err error) {
	for _, k := range slices.Sorted(maps.Keys(cs)) {
		if !cs[k].done() {
			key = k
			break
		}
	}
	if key == "" {
		return "", "every customer has connected their accounts already", nil
	}
	link := cs[key].LinkURL
	page, err := r.post(ctx, link, nil) // "Authorise Xero"; the answer redirects to the mapping page
	if err != nil {
		return "", "", err
	}
	form := url.Values{}
	today := time.Now().UTC().Format(time.DateOnly)
	var chose []string
	// The page lists the accounts in the order they were created, which Terraform's parallelism decides.
	selects := selectRE.FindAllStringSubmatch(page, -1)
	slices.SortFunc(selects, func(a, b []string) int { return strings.Compare(a[1], b[1]) })
	for _, sel := range selects {
		account, choice, name := html.UnescapeString(sel[1]), "new", "a new Xero account"
		if len(form) == 0 {
			for _, o := range optionRE.FindAllStringSubmatch(sel[2], -1) {
				if o[1] != "" && o[1] != "new" {
					choice, name = html.UnescapeString(o[1]), fmt.Sprintf("%q", html.UnescapeString(o[2]))
					break
				}
			}
		}
		form.Set("target."+account, choice)
		form.Set("start."+account, today)
		chose = append(chose, account+" -> "+name)
	}
	if len(chose) == 0 {
		return "", "", fmt.Errorf("the mapping page of %s offers no account to connect:\n%s", key, page)
	}
	if _, err := r.post(ctx, strings.TrimSuffix(link, "/start")+"/connect", form); err != nil {
		return "", "", err
	}
	return key, fmt.Sprintf("%s's SMB user opened their link_url, authorised Xero and connected %s.", key, strings.Join(chose, ", ")), nil
}

// post submits a form of the mapping page and returns the page the answer leads to.
func (r *run) post(ctx context.Context, u string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("POST %s: %s\n%s", u, resp.Status, body)
	}
	return string(body), nil
}
