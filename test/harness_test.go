// Package test holds the snapshot tests and fine-grained assertions on the
// synthesized templates. Every stack is synthesized once per test binary and
// shared by the snapshot and the assertions; the jsii kernel is closed once,
// in TestMain.
package test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/internal/siteapp"
	"github.com/alb-cognito/alb-cognito-cdk/stacks"
)

var update = flag.Bool("update", false, "rewrite the golden templates under testdata/")

// tempRoot holds every cloud assembly the tests write; TestMain removes it.
var tempRoot string

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if tempRoot, err = os.MkdirTemp("", "albauth-test"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !testing.Short() {
		startCLIRun(tempRoot)
	}
	prepareCfnSchema(tempRoot)
	startCfnLint(tempRoot)
	code := m.Run()
	if cliRun.done != nil {
		<-cliRun.done
	}
	if changed := checkSharedDocs(); len(changed) > 0 {
		fmt.Printf("--- FAIL: a test changed the shared template of %s after synthesis: copy a doc before changing it\n", strings.Join(changed, ", "))
		if code == 0 {
			code = 1
		}
	}
	if !lintTemplates() && code == 0 {
		code = 1
	}
	jsii.Close()
	os.RemoveAll(tempRoot)
	os.Exit(code)
}

// synthesized is one stack's synthesized template, in both forms the tests use.
type synthesized struct {
	app      awscdk.App
	site     *stacks.Site
	template assertions.Template
	// doc is the template as plain Go values, for checks in plain Go.
	doc map[string]any
	// outdir is the cloud assembly directory (templates, cdk-nag report).
	outdir string
}

// exampleContext is the shipped flat example configuration, cdk.json's feature
// flags and the context key that skips bundling, so templates are
// deterministic and no go build runs.
func exampleContext(overrides map[string]any) map[string]any {
	ctx := config.Example()
	maps.Copy(ctx, testContext())
	maps.Copy(ctx, overrides)
	return ctx
}

// exampleStagesContext is exampleContext for the shipped example with stages
// (dev and prod), the one cdk.json ships.
func exampleStagesContext(overrides map[string]any) map[string]any {
	ctx := config.ExampleStages()
	maps.Copy(ctx, testContext())
	maps.Copy(ctx, overrides)
	return ctx
}

// testContext is what every synthesized test app gets besides its settings:
// the feature flags from the project's cdk.json, so the templates are the ones
// `cdk synth` writes, and no bundling.
func testContext() map[string]any {
	ctx := cdkJSONFlags()
	ctx["aws:cdk:bundling-stacks"] = []any{}
	return ctx
}

// cdkJSONStages returns the names of ../cdk.json's stages, none for a flat
// configuration.
func cdkJSONStages() []string {
	stages, _ := cdkJSONContext()[config.StagesKey].(map[string]any)
	return slices.Sorted(maps.Keys(stages))
}

// cdkJSONContext returns ../cdk.json's context: the user's settings and the
// project's feature flags.
var cdkJSONContext = sync.OnceValue(func() map[string]any {
	data, err := os.ReadFile(filepath.Join("..", "cdk.json"))
	if err != nil {
		panic(fmt.Sprintf("reading cdk.json: %v", err))
	}
	var file struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		panic(fmt.Sprintf("cdk.json: %v", err))
	}
	return file.Context
})

// cdkJSONFlags returns the feature flags ("@..." keys) of ../cdk.json's context:
// they are the project's, like go.mod, while its settings are the user's.
func cdkJSONFlags() map[string]any {
	out := map[string]any{}
	for k, v := range cdkJSONContext() {
		if strings.HasPrefix(k, "@") {
			out[k] = v
		}
	}
	return out
}

// synth builds an app from ctx through the same path as main.go (minus the
// final Synth call) and returns the site stack's template.
func synth(ctx map[string]any) (*synthesized, error) { return synthWith(ctx, nil) }

// synthWith is synth with a change made to the stack before it is synthesized.
// The configuration must have one stage (or none).
func synthWith(ctx map[string]any, mutate func(*stacks.Site)) (*synthesized, error) {
	all, err := synthAll(ctx, mutate)
	if err != nil {
		return nil, err
	}
	if len(all) != 1 {
		return nil, fmt.Errorf("want one stack, got %d", len(all))
	}
	return all[0], nil
}

// synthAll is synthWith for every stack the configuration's stages add.
//
// Without a mutate function, each distinct configuration is synthesized once
// per test binary: a second call with the same context (compared as canonical
// JSON) gets the stacks of the first, so tests that check different
// properties of one configuration share its synth. The results are shared and
// read-only: a test must not change a template's doc (TestMain checks that
// none did, see checkSharedDocs) nor add constructs to a shared app. With a
// mutate function the stack is built anew (a function's identity cannot say
// what it changes).
func synthAll(ctx map[string]any, mutate func(*stacks.Site)) ([]*synthesized, error) {
	if mutate != nil {
		return synthNew(ctx, mutate)
	}
	key, err := json.Marshal(ctx)
	if err != nil {
		return nil, fmt.Errorf("context: %w", err)
	}
	synthCache.Lock()
	once := synthCache.byContext[string(key)]
	if once == nil {
		once = sync.OnceValues(func() ([]*synthesized, error) { return synthNew(ctx, nil) })
		if synthCache.byContext == nil {
			synthCache.byContext = map[string]func() ([]*synthesized, error){}
		}
		synthCache.byContext[string(key)] = once
	}
	synthCache.Unlock()
	return once()
}

// synthCache holds synthAll's results by canonical context.
var synthCache struct {
	sync.Mutex
	byContext map[string]func() ([]*synthesized, error)
}

// sharedDocs are the template docs handed out, with their JSON when
// synthesized, for checkSharedDocs.
var sharedDocs struct {
	sync.Mutex
	docs []sharedDoc
}

type sharedDoc struct {
	stack string
	doc   map[string]any
	json  []byte
}

// checkSharedDocs reports the templates a test changed after synthesis: every
// template is shared (by shared, sharedAll and synthAll's cache), so a test
// that wrote to one would change what later tests check. TestMain runs it
// after the tests.
func checkSharedDocs() []string {
	sharedDocs.Lock()
	defer sharedDocs.Unlock()
	var changed []string
	for _, d := range sharedDocs.docs {
		now, err := json.Marshal(d.doc)
		if err != nil || !bytes.Equal(now, d.json) {
			changed = append(changed, d.stack)
		}
	}
	return changed
}

// synthNew synthesizes the stacks of ctx, always anew.
func synthNew(ctx map[string]any, mutate func(*stacks.Site)) (all []*synthesized, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("synth panicked: %v", r)
		}
	}()
	// The cloud assembly (and cdk-nag's report) is written lazily, when a test
	// first reads the template or annotations, so outdir lives as long as the binary.
	outdir, err := os.MkdirTemp(tempRoot, "cdk.out")
	if err != nil {
		return nil, err
	}
	registerAssembly(outdir)
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(outdir)})
	sites, err := siteapp.Build(app, siteapp.Options{})
	if err != nil {
		return nil, fmt.Errorf("siteapp.Build: %w", err)
	}
	for _, site := range sites {
		if mutate != nil {
			mutate(site)
		}
	}
	for _, site := range sites {
		tmpl := assertions.Template_FromStack(site.Stack, nil)
		doc := tmpl.ToJSON()
		if doc == nil {
			return nil, fmt.Errorf("template of %s is empty", *site.Stack.StackName())
		}
		all = append(all, &synthesized{app: app, site: site, template: tmpl, doc: *doc, outdir: outdir})
		data, err := json.Marshal(*doc)
		if err != nil {
			return nil, err
		}
		sharedDocs.Lock()
		sharedDocs.docs = append(sharedDocs.docs, sharedDoc{*site.Stack.StackName(), *doc, data})
		sharedDocs.Unlock()
	}
	// The assembly is written now: cfn-lint starts on its templates while
	// the tests go on (lintTemplates lints whatever this misses).
	if ts, err := assemblyTemplates(outdir); err == nil {
		if _, err := queueCfnLint(ts); err != nil {
			return nil, fmt.Errorf("queueing the templates for cfn-lint: %w", err)
		}
	}
	return all, nil
}

// shared synthesizes a stack on first use and hands the same result to every
// test that asks, so each stack is synthesized once per test binary.
func shared(name string, build func() (*synthesized, error)) func(*testing.T) *synthesized {
	once := sync.OnceValues(build)
	return func(t *testing.T) *synthesized {
		t.Helper()
		s, err := once()
		if err != nil {
			t.Fatalf("synthesizing the %s stack: %v", name, err)
		}
		return s
	}
}

// exampleSite is the flat example configuration's stack.
var exampleSite = shared("example", func() (*synthesized, error) {
	return synth(exampleContext(nil))
})

// exampleStages are the stacks of the example with stages, dev then prod.
var exampleStages = sharedAll("example with stages", func() ([]*synthesized, error) {
	return synthAll(exampleStagesContext(nil), nil)
})

// sharedAll is shared for a build that adds several stacks.
func sharedAll(name string, build func() ([]*synthesized, error)) func(*testing.T) []*synthesized {
	once := sync.OnceValues(build)
	return func(t *testing.T) []*synthesized {
		t.Helper()
		s, err := once()
		if err != nil {
			t.Fatalf("synthesizing the %s stacks: %v", name, err)
		}
		return s
	}
}

// guard runs f and turns a jsii panic (how a failed CDK assertion reports)
// into a test failure, so one failure does not end the whole binary.
func guard(t testing.TB, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%v", r)
		}
	}()
	f()
}

// resources returns the template's resources of one type, by logical id.
func (s *synthesized) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.doc["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// only returns the single resource of a type, failing if there is not exactly one.
func (s *synthesized) only(t *testing.T, typ string) (string, map[string]any) {
	t.Helper()
	rs := s.resources(typ)
	if len(rs) != 1 {
		t.Fatalf("want exactly one %s, got %d", typ, len(rs))
	}
	for id, r := range rs {
		return id, r
	}
	panic("unreachable")
}

// props returns a resource's Properties.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// js renders v as compact JSON, for messages and comparisons.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// goldenPath is where a stack's snapshot lives.
func goldenPath(name string) string {
	return filepath.Join("testdata", name+".template.json")
}

// lineDiff is a small line-based diff for snapshot mismatches: it prints the
// changed lines with a little context, '-' for the golden file, '+' for now.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	// Longest common subsequence table, fine for templates of a few thousand lines.
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var ops []line
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, line{' ', a[i]})
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, line{'+', b[j]})
			j++
		default:
			ops = append(ops, line{'-', a[i]})
			i++
		}
	}
	const context = 3
	var sb strings.Builder
	last := -1
	for k, op := range ops {
		if op.op == ' ' {
			continue
		}
		from := max(k-context, last+1)
		if last >= 0 && from > last+1 {
			sb.WriteString("@@\n")
		}
		for c := from; c < k; c++ {
			if ops[c].op == ' ' {
				fmt.Fprintf(&sb, "  %s\n", ops[c].text)
			}
		}
		fmt.Fprintf(&sb, "%c %s\n", op.op, op.text)
		last = k
		for c := k + 1; c < len(ops) && c <= k+context && ops[c].op == ' '; c++ {
			fmt.Fprintf(&sb, "  %s\n", ops[c].text)
			last = c
		}
	}
	return sb.String()
}
