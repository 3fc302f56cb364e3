// Package guide reads the guide pages of docs/guides the way their tests run them: each fenced code block of a
// page with the directive on the line before it, an HTML comment that the Registry does not show:
//
//	<!-- guide-test: run -->             run in the reader's shell, in order, stopping at the first failing command
//	<!-- guide-test: serve -->           run in a second terminal; the page goes on once it prints its first export line
//	<!-- guide-test: output of serve --> a sample of that output: it must export the same variables, in the same order
//	<!-- guide-test: file ~/dir/name --> save the block as that file (a relative name: in the page's working directory)
//	<!-- guide-test: patch name -->      a diff block (lines starting with " ", "-" or "+") that changes that file
//	<!-- guide-test: skip: reason -->    not run (the clone, which needs the network)
//
// An unmarked shell or Terraform block is an error, so that nothing on a page goes untested by oversight.
package guide

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Block is one fenced code block of a page and the directive before it.
type Block struct {
	Line      int    // line of the opening fence, from 1
	Lang      string // the fence's info string
	Directive string // "run", "serve", "output of serve", "file", "patch", "skip" or "" (unmarked)
	Arg       string // the file of a "file" or "patch" block, the reason of a "skip" block
	Body      string
}

func (b Block) String() string {
	return strings.TrimSpace(fmt.Sprintf("line %d (%s %s", b.Line, b.Directive, b.Arg)) + ")"
}

var directiveRE = regexp.MustCompile(`^<!--\s*guide-test:\s*(.*?)\s*-->$`)

// ReadPage reads a Markdown page and its fenced code blocks (ParseBlocks).
func ReadPage(path string) (page string, blocks []Block, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	if blocks, err = ParseBlocks(string(b)); err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	return string(b), blocks, nil
}

// ParseBlocks reads the fenced code blocks of a Markdown page with their directives.
func ParseBlocks(page string) ([]Block, error) {
	var blocks []Block
	var pending string
	pendingLine := 0
	lines := strings.Split(page, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		if m := directiveRE.FindStringSubmatch(line); m != nil {
			pending, pendingLine = m[1], i+1
			continue
		}
		if !strings.HasPrefix(line, "```") {
			if line != "" && pending != "" {
				return nil, fmt.Errorf("line %d: the directive %q is not followed by a code block", pendingLine, pending)
			}
			continue
		}
		b := Block{Line: i + 1, Lang: strings.TrimSpace(strings.TrimPrefix(line, "```"))}
		var body []string
		for i++; i < len(lines) && strings.TrimRight(lines[i], " \t") != "```"; i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			return nil, fmt.Errorf("line %d: code block not closed", b.Line)
		}
		b.Body = strings.Join(body, "\n") + "\n"
		switch d := pending; {
		case d == "":
		case d == "run" || d == "serve" || d == "output of serve":
			b.Directive = d
		case strings.HasPrefix(d, "file ") || strings.HasPrefix(d, "patch "):
			b.Directive, b.Arg, _ = strings.Cut(d, " ")
			b.Arg = strings.TrimSpace(b.Arg)
			if b.Directive == "patch" && b.Lang != "diff" {
				return nil, fmt.Errorf("line %d: a patch is a diff block, not %q", b.Line, b.Lang)
			}
		case strings.HasPrefix(d, "skip:"):
			b.Directive, b.Arg = "skip", strings.TrimSpace(strings.TrimPrefix(d, "skip:"))
			if b.Arg == "" {
				return nil, fmt.Errorf("line %d: a skipped block needs a reason", pendingLine)
			}
		default:
			return nil, fmt.Errorf("line %d: unknown directive %q", pendingLine, d)
		}
		pending = ""
		if b.Directive == "" && slices.Contains([]string{"sh", "shell", "bash", "console", "terraform", "hcl", "diff"}, b.Lang) {
			return nil, fmt.Errorf("line %d: a %s block without a guide-test directive: mark it run, serve, file, patch or skip", b.Line, b.Lang)
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// Patch applies a patch block to text: the block's lines are the context (" "), removed ("-") and added ("+")
// lines of one or more hunks, separated by a line "...". Each hunk's context and removed lines must occur in text
// exactly once, in order and adjacent, so that a page whose patch no longer fits the file it changes fails.
func Patch(text, patch string) (string, error) {
	for n, hunk := range strings.Split(strings.TrimSuffix(patch, "\n"), "\n...\n") {
		var before, after []string
		for _, line := range strings.Split(hunk, "\n") {
			if line == "" {
				line = " " // an empty context line, its space trimmed by an editor
			}
			switch line[0] {
			case ' ':
				before, after = append(before, line[1:]), append(after, line[1:])
			case '-':
				before = append(before, line[1:])
			case '+':
				after = append(after, line[1:])
			default:
				return "", fmt.Errorf("hunk %d: the line %q starts with none of \" \", \"-\" or \"+\"", n+1, line)
			}
		}
		from, to := strings.Join(before, "\n")+"\n", strings.Join(after, "\n")+"\n"
		if c := strings.Count(text, from); c != 1 {
			return "", fmt.Errorf("hunk %d: its context and removed lines occur %d times in the file, not once:\n%s", n+1, c, from)
		}
		text = strings.Replace(text, from, to, 1)
	}
	return text, nil
}
