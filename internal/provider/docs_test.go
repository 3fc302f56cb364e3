package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
)

// typeNames returns the provider's resource and data source type names.
func typeNames(t *testing.T) (resources, dataSources []string) {
	t.Helper()
	ctx := context.Background()
	p := provider.New("test")()
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "codat"}, &resp)
		resources = append(resources, resp.TypeName)
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "codat"}, &resp)
		dataSources = append(dataSources, resp.TypeName)
	}
	if len(resources) == 0 || len(dataSources) == 0 {
		t.Fatalf("resources %v, data sources %v", resources, dataSources)
	}
	return resources, dataSources
}

// CHANGELOG.md announces every resource and data source, one line each, and nothing the provider does not have.
func TestChangelogListsEveryResourceAndDataSource(t *testing.T) {
	body, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	resources, dataSources := typeNames(t)
	for kind, want := range map[string][]string{"Resource": resources, "Data Source": dataSources} {
		re := regexp.MustCompile("(?m)^\\* \\*\\*New " + kind + ":\\*\\* `(codat_[a-z0-9_]+)`")
		var listed []string
		for _, m := range re.FindAllStringSubmatch(string(body), -1) {
			listed = append(listed, m[1])
		}
		slices.Sort(listed)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Errorf("CHANGELOG.md lists the new %ss %v; the provider has %v", strings.ToLower(kind), listed, want)
		}
	}
}

// frontMatterDescription returns the description of a generated docs page's front matter, as one line.
func frontMatterDescription(t *testing.T, page string) string {
	t.Helper()
	front, ok := strings.CutPrefix(page, "---\n")
	if ok {
		front, _, ok = strings.Cut(front, "\n---\n")
	}
	if !ok {
		t.Fatal("no front matter")
	}
	_, desc, ok := strings.Cut(front, "description: |-\n")
	if !ok {
		t.Fatal("no description in the front matter")
	}
	var lines []string
	for _, l := range strings.Split(desc, "\n") {
		if !strings.HasPrefix(l, "  ") {
			break
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	return strings.Join(lines, " ")
}

// sentenceEnd is a full stop, question or exclamation mark that ends a sentence.
var sentenceEnd = regexp.MustCompile(`[.!?](\s|$)`)

// Every page's summary (the front matter's description, which the Registry shows in lists and search results)
// is one or two sentences, and every resource page says in a warning box what destroying the resource does.
func TestDocsSummariesAndDestroyWarnings(t *testing.T) {
	pages, err := filepath.Glob("../../docs/*/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, "../../docs/index.md")
	resources, dataSources := typeNames(t)
	for _, name := range resources {
		if !slices.Contains(pages, "../../docs/resources/"+strings.TrimPrefix(name, "codat_")+".md") {
			t.Errorf("no docs page for the resource %s", name)
		}
	}
	for _, name := range dataSources {
		if !slices.Contains(pages, "../../docs/data-sources/"+strings.TrimPrefix(name, "codat_")+".md") {
			t.Errorf("no docs page for the data source %s", name)
		}
	}
	for _, path := range pages {
		rel, _ := filepath.Rel("../../docs", path)
		t.Run(rel, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			desc := frontMatterDescription(t, string(b))
			if n := len(sentenceEnd.FindAllString(desc, -1)); desc == "" || n > 2 || len(desc) > 300 {
				t.Errorf("the summary has %d sentences and %d characters, want one or two sentences, at most 300 characters: %q", n, len(desc), desc)
			}
			if strings.HasPrefix(rel, "resources/") {
				warning := regexp.MustCompile(`(?m)^~> \*\*Warning:\*\* .*`).FindString(string(b))
				if !regexp.MustCompile(`(?i)destroy`).MatchString(warning) {
					t.Errorf("no warning box on what destroy does; found %q", warning)
				}
			}
		})
	}
}
