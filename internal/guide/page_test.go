package guide

import (
	"slices"
	"strings"
	"testing"
)

func TestParseBlocks(t *testing.T) {
	page := "# Page\n\n<!-- guide-test: run -->\n```sh\necho one\necho two\n```\n\n```text\nfree\n```\n\n" +
		"<!-- guide-test: file ~/x/main.tf -->\n```terraform\nlocals {}\n```\n<!-- guide-test: skip: the network -->\n```sh\ngit clone x\n```\n" +
		"\n<!-- guide-test: patch main.tf -->\n```diff\n a\n-b\n+c\n```\n"
	blocks, err := ParseBlocks(page)
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Line: 4, Lang: "sh", Directive: "run", Body: "echo one\necho two\n"},
		{Line: 9, Lang: "text", Body: "free\n"},
		{Line: 14, Lang: "terraform", Directive: "file", Arg: "~/x/main.tf", Body: "locals {}\n"},
		{Line: 18, Lang: "sh", Directive: "skip", Arg: "the network", Body: "git clone x\n"},
		{Line: 23, Lang: "diff", Directive: "patch", Arg: "main.tf", Body: " a\n-b\n+c\n"},
	}
	if !slices.Equal(blocks, want) {
		t.Errorf("blocks\n%#v\nwant\n%#v", blocks, want)
	}
	for page, want := range map[string]string{
		"```sh\nls\n```\n":                                 "without a guide-test directive",
		"```terraform\nlocals {}\n```\n":                   "without a guide-test directive",
		"<!-- guide-test: run -->\ntext\n```sh\nls\n```\n": "not followed by a code block",
		"<!-- guide-test: runs -->\n```sh\nls\n```\n":      "unknown directive",
		"<!-- guide-test: skip: -->\n```sh\nls\n```\n":     "needs a reason",
		"<!-- guide-test: run -->\n```sh\nls\n":            "not closed",
		"```diff\n-a\n```\n":                               "without a guide-test directive",
		"<!-- guide-test: patch x -->\n```sh\nls\n```\n":   "a patch is a diff block",
	} {
		if _, err := ParseBlocks(page); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", page, err, want)
		}
	}
}

func TestPatch(t *testing.T) {
	text := "a\nb\nc\n\nd\ne\n"
	got, err := Patch(text, " a\n-b\n+B\n+B2\n c\n...\n\n-d\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\nB\nB2\nc\n\ne\n"; got != want {
		t.Errorf("patched\n%q\nwant\n%q", got, want)
	}
	for patch, want := range map[string]string{
		" a\n-c\n":  "occur 0 times", // not adjacent
		"-x\n":      "occur 0 times",
		" \n":       "occur 6 times",
		" a\n*b\n":  "starts with none of",
		" a\n-b\n+": "", // an added empty line is fine
	} {
		_, err := Patch(text, patch)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: error %v, want %q", patch, err, want)
		}
	}
}
