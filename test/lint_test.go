package test

// Every template the tests synthesize is checked by two independent template
// checkers: AWS's cfn-lint (pinned to cfnLintVersion, rules ignored only in
// ../.cfnlintrc) and cfnschema, the project's checker of the CloudFormation
// resource schemas and documented service rules. Either finding anything
// fails the test binary. cfn-lint starts on each assembly's templates while
// the tests go on (startCfnLint); TestMain calls lintTemplates after m.Run,
// which lints what is left and runs cfnschema, so the templates of every
// test that ran are covered, in their final contents, whatever -run selected.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alb-cognito/alb-cognito-cdk/internal/syncbuf"
)

// cfnLintVersion is the cfn-lint release the tests accept; the CI workflow
// (.github/workflows/ci.yml) installs the same one.
const cfnLintVersion = "1.51.0"

// cfnLintInstall is how to install it, for messages.
const cfnLintInstall = "pip install cfn-lint==" + cfnLintVersion

// inCI reports whether the tests run in CI (CI=true, as GitHub Actions and
// .ci/run set it): there a checker that cannot run fails the tests instead
// of being skipped.
func inCI() bool { return os.Getenv("CI") == "true" }

// assemblies are the cloud assembly folders synth wrote, in order.
var assemblies struct {
	sync.Mutex
	dirs []string
}

func registerAssembly(dir string) {
	assemblies.Lock()
	defer assemblies.Unlock()
	assemblies.dirs = append(assemblies.dirs, dir)
}

// template is one synthesized template and its stack's region.
type template struct {
	path, region string
}

// synthesizedTemplates lists the stack templates in the registered
// assemblies, nested stage assemblies included, each once, with the region
// their manifest gives the stack.
func synthesizedTemplates() ([]template, error) {
	assemblies.Lock()
	dirs := slices.Clone(assemblies.dirs)
	assemblies.Unlock()
	var out []template
	seen := map[string]bool{}
	for _, dir := range dirs {
		ts, err := assemblyTemplates(dir)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if !seen[t.path] {
				seen[t.path] = true
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// assemblyTemplates lists the stack templates of one cloud assembly, nested
// stage assemblies included.
func assemblyTemplates(dir string) ([]template, error) {
	var out []template
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), "asset.") {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "manifest.json" {
			return nil
		}
		ts, err := manifestTemplates(path)
		out = append(out, ts...)
		return err
	})
	return out, err
}

// manifestTemplates reads a cloud assembly manifest's stack artifacts.
func manifestTemplates(manifest string) ([]template, error) {
	data, err := os.ReadFile(manifest)
	if err != nil {
		return nil, err
	}
	var m struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			Environment string `json:"environment"`
			Properties  struct {
				TemplateFile string `json:"templateFile"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", manifest, err)
	}
	var out []template
	for _, a := range m.Artifacts {
		if a.Type != "aws:cloudformation:stack" || a.Properties.TemplateFile == "" {
			continue
		}
		// aws://<account>/<region>
		env := strings.Split(strings.TrimPrefix(a.Environment, "aws://"), "/")
		if len(env) != 2 || strings.HasPrefix(env[1], "unknown-") {
			return nil, fmt.Errorf("%s: stack template %s has no region (environment %q)", manifest, a.Properties.TemplateFile, a.Environment)
		}
		out = append(out, template{filepath.Join(filepath.Dir(manifest), a.Properties.TemplateFile), env[1]})
	}
	slices.SortFunc(out, func(a, b template) int { return strings.Compare(a.path, b.path) })
	return out, nil
}

// lintTemplates runs both checkers on every synthesized template and prints
// what they find. It returns false when a checker found something or could
// not run where it must (CI).
func lintTemplates() bool {
	templates, err := synthesizedTemplates()
	if err != nil {
		fmt.Printf("--- FAIL: template checks: listing the synthesized templates: %v\n", err)
		return false
	}
	if len(templates) == 0 {
		return true
	}
	ok := true
	for _, check := range []struct {
		name string
		run  func([]template) (findings []string, skip string, err error)
	}{{"cfn-lint", finishCfnLint}, {"cfnschema", runCfnSchema}} {
		start := time.Now()
		findings, skip, err := check.run(templates)
		switch {
		case err != nil:
			fmt.Printf("--- FAIL: %s: %v\n", check.name, err)
			ok = false
		case skip != "" && inCI():
			fmt.Printf("--- FAIL: %s cannot run, and CI=true requires it: %s\n", check.name, skip)
			ok = false
		case skip != "":
			fmt.Printf("--- SKIP: %s: %s\n", check.name, skip)
		case len(findings) > 0:
			fmt.Printf("--- FAIL: %s: %d findings in the %d templates the tests synthesized (fix the stack, or, for cfn-lint, "+
				"ignore the rule in .cfnlintrc with a one-line reason):\n    %s\n",
				check.name, len(findings), len(templates), strings.Join(findings, "\n    "))
			ok = false
		default:
			if testingVerbose() {
				fmt.Printf("--- PASS: %s: %d templates, no findings (%.1fs)\n", check.name, len(templates), time.Since(start).Seconds())
			}
		}
	}
	return ok
}

func testingVerbose() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.v=true" || a == "-test.v" {
			return true
		}
	}
	return false
}

// moduleRoot is the folder holding go.mod (the tests run in test/).
func moduleRoot() string {
	root, err := filepath.Abs("..")
	if err != nil {
		panic(err)
	}
	return root
}

var cfnLintVersionRe = regexp.MustCompile(`^cfn-lint ([0-9][0-9A-Za-z.+-]*)$`)

// cfnLintBin checks, once, that the pinned cfn-lint is installed, and returns
// its path, or why it was skipped.
var cfnLintBin = sync.OnceValues(func() (string, error) {
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		return "", errCfnLintMissing
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	m := cfnLintVersionRe.FindStringSubmatch(strings.TrimSpace(string(out)))
	switch {
	case err != nil:
		return "", fmt.Errorf("`cfn-lint --version` failed (%v): %s", err, out)
	case m == nil:
		return "", fmt.Errorf("`cfn-lint --version` printed %q, not \"cfn-lint <version>\"", strings.TrimSpace(string(out)))
	case m[1] != cfnLintVersion:
		return "", fmt.Errorf("cfn-lint %s is installed (%s), but the tests pin %s, the version the CI workflow installs: "+
			"its rules decide what counts as a finding; run `%s`", m[1], bin, cfnLintVersion, cfnLintInstall)
	}
	return bin, nil
})

var errCfnLintMissing = errors.New("cfn-lint is not installed, so the synthesized templates were not linted; install the pinned version with `" +
	cfnLintInstall + "` (it needs Python 3.9 or later)")

// cfnLint lints templates in the background while the tests run: synthAll
// queues each assembly's templates as soon as it has written them, and a
// worker runs cfn-lint on whatever is queued, one process for all of them,
// so the linting overlaps the synths instead of following them. lintTemplates
// then lints whatever the queue missed or a test rewrote (it compares
// contents), so every template on disk at the end is linted, as before.
//
// Each template is linted from a copy, taken when it is queued, whose
// Metadata gives cfn-lint the stack's region (cfn-lint reads
// Metadata.cfn-lint.config.regions per template when the command line names
// none), so one cfn-lint process covers every region; findings name the
// original file, at the same line (the Metadata is added after the last
// line's content).
var cfnLint struct {
	sync.Mutex
	dir      string          // where the copies go
	n        int             // copies made
	queued   []lintCopy      // copies waiting for the worker
	linted   map[string]bool // "path\x00sha256" of every template queued
	findings []string        // cfn-lint's lines, original paths
	err      error           // the first failure to run cfn-lint
	server   *cfnLintServer  // nil: the cfn-lint command, a process per batch
	wake     chan struct{}   // the worker's doorbell (buffered, one)
	stop     chan struct{}   // closed: no more queueing, drain and end
	done     chan struct{}   // closed when the worker has ended
}

// cfnLintMinBatch is how many templates the background worker waits for
// before it starts a cfn-lint process (lintTemplates lints the rest).
const cfnLintMinBatch = 4

// lintCopy is one queued copy of a template.
type lintCopy struct {
	orig, copy, region string
}

// startCfnLint starts the background worker; TestMain calls it before m.Run.
func startCfnLint(tmp string) {
	cfnLint.dir = filepath.Join(tmp, "cfn-lint")
	cfnLint.linted = map[string]bool{}
	cfnLint.wake = make(chan struct{}, 1)
	cfnLint.stop = make(chan struct{})
	cfnLint.done = make(chan struct{})
	go func() {
		defer close(cfnLint.done)
		minBatch := cfnLintMinBatch
		if _, err := cfnLintBin(); err == nil {
			if srv, err := startCfnLintServer(cfnLint.dir); err == nil {
				cfnLint.server, minBatch = srv, 1
				defer srv.close()
			} else if testingVerbose() {
				fmt.Printf("cfn-lint: one process per batch of templates (%v)\n", err)
			}
		}
		for {
			var stopping bool
			select {
			case <-cfnLint.wake:
			case <-cfnLint.stop:
				stopping = true
			}
			cfnLint.Lock()
			if !stopping && len(cfnLint.queued) < minBatch {
				// Each cfn-lint process spends over a second loading
				// before it lints: wait for a few templates (the
				// server has loaded, and lints each at once).
				cfnLint.Unlock()
				continue
			}
			batch := cfnLint.queued
			cfnLint.queued = nil
			cfnLint.Unlock()
			if len(batch) > 0 {
				shards := 1
				if stopping && cfnLint.server == nil {
					// The tests are done: the cores are free for the rest.
					shards = runtime.NumCPU()
				}
				findings, err := runCfnLintSharded(batch, shards)
				cfnLint.Lock()
				cfnLint.findings = append(cfnLint.findings, findings...)
				if err != nil && cfnLint.err == nil {
					cfnLint.err = err
				}
				cfnLint.Unlock()
			}
			if stopping {
				cfnLint.Lock()
				left := len(cfnLint.queued)
				cfnLint.Unlock()
				if left == 0 {
					return
				}
			}
		}
	}()
}

// queueCfnLint queues the templates not yet linted with their current
// contents; it reports how many it queued.
func queueCfnLint(templates []template) (int, error) {
	if cfnLint.done == nil {
		return 0, errors.New("cfn-lint was not started (TestMain calls startCfnLint)")
	}
	if _, err := cfnLintBin(); err != nil {
		return 0, nil // lintTemplates reports it
	}
	var copies []lintCopy
	for _, t := range templates {
		data, err := os.ReadFile(t.path)
		if err != nil {
			return 0, err
		}
		sum := sha256.Sum256(data)
		key := t.path + "\x00" + hex.EncodeToString(sum[:])
		cfnLint.Lock()
		seen := cfnLint.linted[key]
		cfnLint.linted[key] = true
		cfnLint.n++
		n := cfnLint.n
		cfnLint.Unlock()
		if seen {
			continue
		}
		with, err := withLintRegion(data, t.region)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t.path, err)
		}
		c := lintCopy{orig: t.path, copy: filepath.Join(cfnLint.dir, fmt.Sprint(n), filepath.Base(t.path))}
		if with == nil {
			with, c.region = data, t.region
		}
		if err := os.MkdirAll(filepath.Dir(c.copy), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(c.copy, with, 0o644); err != nil {
			return 0, err
		}
		copies = append(copies, c)
	}
	if len(copies) > 0 {
		cfnLint.Lock()
		cfnLint.queued = append(cfnLint.queued, copies...)
		cfnLint.Unlock()
		select {
		case cfnLint.wake <- struct{}{}:
		default:
		}
	}
	return len(copies), nil
}

// withLintRegion returns the template with Metadata naming its region for
// cfn-lint, added after the last line's content so that every line keeps its
// number; nil when the template has a Metadata section of its own (then the
// copy is linted with --regions instead).
func withLintRegion(data []byte, region string) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	if _, ok := top["Metadata"]; ok {
		return nil, nil
	}
	end := bytes.LastIndexByte(data, '}')
	meta, err := json.Marshal(map[string]any{"cfn-lint": map[string]any{"config": map[string]any{"regions": []string{region}}}})
	if err != nil {
		return nil, err
	}
	sep := ","
	if len(top) == 0 {
		sep = ""
	}
	out := append(slices.Clone(data[:end]), []byte(sep+`"Metadata":`+string(meta))...)
	return append(out, data[end:]...), nil
}

// finishCfnLint queues whatever the tests' templates the background worker
// has not linted, in their final contents, waits for it, and returns every
// finding once.
func finishCfnLint(templates []template) ([]string, string, error) {
	if _, err := cfnLintBin(); err != nil {
		if errors.Is(err, errCfnLintMissing) {
			return nil, err.Error(), nil
		}
		return nil, "", err
	}
	_, qerr := queueCfnLint(templates)
	close(cfnLint.stop)
	<-cfnLint.done
	if qerr != nil {
		return nil, "", qerr
	}
	cfnLint.Lock()
	defer cfnLint.Unlock()
	if cfnLint.err != nil {
		return nil, "", cfnLint.err
	}
	findings := slices.Clone(cfnLint.findings)
	slices.Sort(findings)
	return slices.Compact(findings), "", nil
}

// runCfnLintSharded is runCfnLint on up to n shards of the copies at once,
// a few templates each at least.
func runCfnLintSharded(copies []lintCopy, n int) ([]string, error) {
	n = max(1, min(n, len(copies)/cfnLintMinBatch))
	var wg sync.WaitGroup
	findings := make([][]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var shard []lintCopy
			for j := i; j < len(copies); j += n {
				shard = append(shard, copies[j])
			}
			findings[i], errs[i] = runCfnLint(shard)
		})
	}
	wg.Wait()
	return slices.Concat(findings...), errors.Join(errs...)
}

// runCfnLint runs cfn-lint with the project's .cfnlintrc on the copies: one
// run for every copy that names its region in its Metadata, one per region for
// the others. It returns one line per finding, naming the original files.
func runCfnLint(copies []lintCopy) ([]string, error) {
	run, err := cfnLintRunner()
	if err != nil {
		return nil, err
	}
	groups := map[string][]string{}
	orig := map[string]string{}
	for _, c := range copies {
		groups[c.region] = append(groups[c.region], c.copy)
		orig[c.copy] = c.orig
	}
	var findings []string
	for _, region := range slices.Sorted(maps.Keys(groups)) {
		args := []string{"--config-file", filepath.Join(moduleRoot(), ".cfnlintrc"), "--format", "parseable"}
		if region != "" {
			args = append(args, "--regions", region)
		}
		args = append(append(args, "--"), groups[region]...)
		lines, err := run(args)
		if err != nil {
			return nil, fmt.Errorf("cfn-lint on %d templates: %v", len(groups[region]), err)
		}
		for _, l := range lines {
			if path, rest, ok := strings.Cut(l, ":"); ok && orig[path] != "" {
				l = orig[path] + ":" + rest
			}
			findings = append(findings, l)
		}
	}
	return findings, nil
}

// cfnLintCLI runs the cfn-lint command with args and returns the lines it
// prints: one process per call, over a second of it loading.
func cfnLintCLI(args []string) ([]string, error) {
	bin, err := cfnLintBin()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	lines := nonEmptyLines(stdout.String())
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && len(lines) > 0:
		// cfn-lint exits non-zero exactly when it reports something.
	default:
		return nil, fmt.Errorf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	return lines, nil
}

// cfnLintServerPy is cfn-lint's command line (cfnlint.runner.cli: the
// same ConfigMixIn, Runner, sort and formatter as its main) in a loop: it
// reads one JSON array of arguments per line and answers one JSON object
// per line, {"out": what the command would print} or {"error": why not}
// (argparse exits on a bad argument: that is an answer too, not the end).
// It starts with a line naming cfn-lint's version. One process lints every
// template of the test binary, so cfn-lint loads its schemas once, and its
// rules once per set of options (the Runner, kept by the arguments before
// "--", is what one command reuses across the templates it is given).
const cfnLintServerPy = `import json, sys
import cfnlint.version
from cfnlint.config import ConfigMixIn
from cfnlint.runner.cli import Runner
print(json.dumps({"version": cfnlint.version.__version__}), flush=True)
runners = {}
for line in sys.stdin:
    try:
        args = json.loads(line)
        config = ConfigMixIn(args)
        config.validate(allow_stdin=False)
        options = json.dumps(args[:args.index("--")] if "--" in args else args)
        runner = runners.get(options)
        if runner is None:
            runner = runners[options] = Runner(config)
        runner.config = config
        matches = list(runner.run())
        matches.sort(key=lambda x: (x.filename, x.linenumber, x.rule.id))
        out = runner.formatter.print_matches(matches, runner.rules, config=config)
        print(json.dumps({"out": out or ""}), flush=True)
    except (Exception, SystemExit) as e:
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}), flush=True)
`

// cfnLintServer is the running cfnLintServerPy, when python3 on PATH has
// the pinned cfn-lint; calls are one at a time.
type cfnLintServer struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr syncbuf.Buffer // written by exec's copier, read on errors
}

// startCfnLintServer starts cfnLintServerPy with python3 and checks the
// cfn-lint version it imported: anything else (no python3, another
// cfn-lint, cfn-lint installed for another Python, as pipx does) is an
// error, and the tests use the cfn-lint command instead.
func startCfnLintServer(dir string) (*cfnLintServer, error) {
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, err
	}
	script := filepath.Join(dir, "cfnlint_server.py")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(script, []byte(cfnLintServerPy), 0o644); err != nil {
		return nil, err
	}
	srv := &cfnLintServer{cmd: exec.Command(py, script)}
	srv.cmd.Stderr = &srv.stderr
	if srv.in, err = srv.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := srv.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	srv.out = bufio.NewScanner(stdout)
	srv.out.Buffer(nil, 64<<20)
	if err := srv.cmd.Start(); err != nil {
		return nil, err
	}
	var hello struct{ Version string }
	if err := srv.read(&hello); err != nil || hello.Version != cfnLintVersion {
		srv.close()
		return nil, fmt.Errorf("python3 (%s) has cfn-lint %q (%v), not %s", py, hello.Version, err, cfnLintVersion)
	}
	return srv, nil
}

// read decodes the server's next line into v.
func (srv *cfnLintServer) read(v any) error {
	if !srv.out.Scan() {
		return fmt.Errorf("cfn-lint server ended (%v): %s", srv.out.Err(), srv.stderr.String())
	}
	return json.Unmarshal(srv.out.Bytes(), v)
}

// run lints as `cfn-lint args...` would and returns the lines it would print.
func (srv *cfnLintServer) run(args []string) ([]string, error) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	req, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	if _, err := srv.in.Write(append(req, '\n')); err != nil {
		return nil, fmt.Errorf("cfn-lint server: %v: %s", err, srv.stderr.String())
	}
	var resp struct{ Out, Error string }
	if err := srv.read(&resp); err != nil {
		return nil, err
	}
	if resp.Error != "" {
		return nil, errors.New(resp.Error)
	}
	return nonEmptyLines(resp.Out), nil
}

// close ends the server: it stops at the end of its input.
func (srv *cfnLintServer) close() {
	srv.in.Close()
	srv.cmd.Wait()
}

// cfnLintRunner returns how to run cfn-lint: through the server when
// startCfnLint could start one, else the command, once per call.
func cfnLintRunner() (func([]string) ([]string, error), error) {
	if _, err := cfnLintBin(); err != nil {
		return nil, err
	}
	if cfnLint.server != nil {
		return cfnLint.server.run, nil
	}
	return cfnLintCLI, nil
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// cfnschemaEnv names the folder of cfnschema, the project's independent
// template checker, a Node.js program. Default: ../shared/tools/cfnschema
// next to the module, where the project's build machines have it. "skip"
// means there is none (a CI runner outside those machines): the check is
// skipped even with CI=true.
const cfnschemaEnv = "CFNSCHEMA_DIR"

// cfnschema is the checker, prepared once per test binary: TestMain starts
// prepareCfnSchema in the background so that installing its dependencies
// overlaps the synths.
var cfnschema struct {
	done chan struct{}
	dir  string // the folder to run, with node_modules
	skip string // why it cannot run, when it cannot
	err  error
}

// cfnschemaSource is where cfnschema's sources are.
func cfnschemaSource() string {
	if dir := os.Getenv(cfnschemaEnv); dir != "" {
		return dir
	}
	return filepath.Join(moduleRoot(), "..", "shared", "tools", "cfnschema")
}

// prepareCfnSchema finds cfnschema and, unless its folder already has its
// dependencies, uses a copy with them installed (`npm ci`, pinned by its
// package-lock.json): installCfnSchema keeps one per version of its sources
// in the user's cache folder, so npm runs once, not in every test run.
func prepareCfnSchema(tmp string) {
	cfnschema.done = make(chan struct{})
	go func() {
		defer close(cfnschema.done)
		src := cfnschemaSource()
		if src == "skip" {
			cfnschema.skip = cfnschemaEnv + "=skip: this machine has no copy of cfnschema"
			return
		}
		if _, err := os.Stat(filepath.Join(src, "bin", "cfnschema.js")); err != nil {
			cfnschema.skip = fmt.Sprintf("cfnschema not found (%v); set %s to its folder (or to skip, on a machine that has none)", err, cfnschemaEnv)
			return
		}
		if _, err := exec.LookPath("node"); err != nil {
			cfnschema.skip = "cfnschema needs Node.js, and node is not on PATH (make test puts the pinned one there)"
			return
		}
		if _, err := os.Stat(filepath.Join(src, "node_modules")); err == nil {
			cfnschema.dir = src
			return
		}
		cfnschema.dir, cfnschema.skip, cfnschema.err = installCfnSchema(src, tmp)
	}()
}

// installCfnSchema returns a copy of cfnschema's folder src with its
// dependencies installed. The copy lives in the user's cache folder under a
// name made from the SHA-256 of src's files (node_modules aside), so a
// changed checker gets a fresh install; it is installed beside its final
// name and renamed into place, so a run that stops half-way, or another
// test binary installing at the same time, leaves no half-installed copy
// behind. Without a user cache folder it installs into tmp, every run.
func installCfnSchema(src, tmp string) (dir, skip string, err error) {
	sum, err := treeSum(src, "node_modules")
	if err != nil {
		return "", "", fmt.Errorf("reading cfnschema in %s: %v", src, err)
	}
	parent := tmp
	if cache, cerr := os.UserCacheDir(); cerr == nil {
		parent = filepath.Join(cache, "alb-cognito-cdk")
	}
	dir = filepath.Join(parent, "cfnschema-"+sum[:16])
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil {
		return dir, "", nil
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", "", err
	}
	work, err := os.MkdirTemp(parent, "cfnschema-installing-")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(work) // gone once renamed
	if err := os.CopyFS(filepath.Join(work, "c"), os.DirFS(src)); err != nil {
		return "", "", fmt.Errorf("copying cfnschema from %s: %v", src, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = filepath.Join(work, "c")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Sprintf("`npm ci` of cfnschema's dependencies in %s failed (%v): %s", cmd.Dir, err, bytes.TrimSpace(out)), nil
	}
	if err := os.Rename(filepath.Join(work, "c"), dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "node_modules")); serr == nil {
			return dir, "", nil // another run installed it first
		}
		return "", "", fmt.Errorf("installing cfnschema into %s: %v", dir, err)
	}
	return dir, "", nil
}

// treeSum is the hex SHA-256 of the regular files under root (their paths
// and contents), leaving out the folders named skip.
func treeSum(root, skip string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == skip {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

var cfnschemaSummaryRe = regexp.MustCompile(`^[0-9]+ violations? across [0-9]+ resources?$`)

// runCfnSchema runs cfnschema on the templates (it reads each one's
// environment from the manifest beside it).
func runCfnSchema(templates []template) ([]string, string, error) {
	if cfnschema.done == nil {
		return nil, "", errors.New("cfnschema was not prepared (TestMain calls prepareCfnSchema)")
	}
	<-cfnschema.done
	if cfnschema.err != nil || cfnschema.skip != "" {
		return nil, cfnschema.skip, cfnschema.err
	}
	args := []string{filepath.Join(cfnschema.dir, "bin", "cfnschema.js")}
	for _, t := range templates {
		args = append(args, t.path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	lines := nonEmptyLines(stdout.String())
	if len(lines) == 0 || !cfnschemaSummaryRe.MatchString(lines[len(lines)-1]) {
		return nil, "", fmt.Errorf("cfnschema on %d templates: %v, and no summary line:\n%s%s", len(templates), err, stdout.String(), stderr.String())
	}
	findings := lines[:len(lines)-1]
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1 && len(findings) > 0) {
		return nil, "", fmt.Errorf("cfnschema on %d templates: %v\n%s%s", len(templates), err, stdout.String(), stderr.String())
	}
	return slices.DeleteFunc(findings, coveredTargetGroup), "", nil
}

// cfnschemaOtherTargetGroupRe matches cfnschema's semantic/source-arn
// finding for a permission whose SourceArn names another of the function's
// target groups than the one reported.
var cfnschemaOtherTargetGroupRe = regexp.MustCompile(`^(.+\.template\.json): (\S+) \(AWS::Lambda::Permission\) Properties\.SourceArn: semantic/source-arn: ` +
	`SourceArn names target group (\S+), but (\S+) that registers the function is named (\S+)$`)

// coveredTargetGroup reports whether a cfnschema finding is the one false
// positive of its rule for a function behind several target groups (one per
// route policy): cfnschema 0.1.0 wants every permission to name every target
// group that registers the function, where a load balancer needs each target
// group to be named by one permission, which it waits for (DependsOn). The
// finding is dropped only when exactly that holds: the permission names one
// of the function's target groups, and the target group reported has a
// permission of its own, naming it, that it DependsOn.
func coveredTargetGroup(finding string) bool {
	m := cfnschemaOtherTargetGroupRe.FindStringSubmatch(finding)
	if m == nil {
		return false
	}
	file, permID, named, tgID, tgName := m[1], m[2], m[3], m[4], m[5]
	data, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	var doc struct {
		Resources map[string]struct {
			Type       string         `json:"Type"`
			Properties map[string]any `json:"Properties"`
			DependsOn  any            `json:"DependsOn"`
		} `json:"Resources"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return false
	}
	perm, ok := doc.Resources[permID]
	if !ok {
		return false
	}
	fn := js(perm.Properties["FunctionName"])
	registers := func(tg string) bool {
		r := doc.Resources[tg]
		targets, _ := r.Properties["Targets"].([]any)
		for _, t := range targets {
			if t, ok := t.(map[string]any); ok && js(t["Id"]) == fn {
				return true
			}
		}
		return false
	}
	namesTG := func(p map[string]any, name string) bool {
		arn, _ := p["SourceArn"].(string)
		return strings.Contains(arn, ":targetgroup/"+name+"/")
	}
	permCovers := false
	for id, r := range doc.Resources {
		if r.Type == "AWS::ElasticLoadBalancingV2::TargetGroup" && r.Properties["Name"] == named && registers(id) {
			permCovers = true
		}
	}
	tg, ok := doc.Resources[tgID]
	if !permCovers || !ok || tg.Properties["Name"] != tgName || !registers(tgID) {
		return false
	}
	deps, _ := tg.DependsOn.([]any)
	if s, ok := tg.DependsOn.(string); ok {
		deps = []any{s}
	}
	for _, d := range deps {
		other, _ := d.(string)
		if p, ok := doc.Resources[other]; ok && p.Type == "AWS::Lambda::Permission" && js(p.Properties["FunctionName"]) == fn && namesTG(p.Properties, tgName) {
			return true
		}
	}
	return false
}

// TestCIInstallsThePinnedCfnLint: the CI workflow installs the cfn-lint the
// tests accept, so CI runs the same check as make test here.
func TestCIInstallsThePinnedCfnLint(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(), ".github", "workflows", "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "run: "+cfnLintInstall+"\n") {
		t.Errorf(".github/workflows/ci.yml does not run %q before make test", cfnLintInstall)
	}
}

// TestCoveredTargetGroup: cfnschema's finding for a permission that names
// another of its function's target groups is dropped only when each target
// group has a permission of its own, naming it, that it DependsOn.
func TestCoveredTargetGroup(t *testing.T) {
	const arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/"
	fn := map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}
	tg := func(name string, dependsOn ...any) map[string]any {
		return map[string]any{"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "DependsOn": dependsOn,
			"Properties": map[string]any{"Name": name, "TargetType": "lambda", "Targets": []any{map[string]any{"Id": fn}}}}
	}
	perm := func(name string) map[string]any {
		return map[string]any{"Type": "AWS::Lambda::Permission",
			"Properties": map[string]any{"FunctionName": fn, "Principal": "elasticloadbalancing.amazonaws.com", "SourceArn": arn + name + "/*"}}
	}
	finding := func(file, perm, named, tg, tgName string) string {
		return file + ": " + perm + " (AWS::Lambda::Permission) Properties.SourceArn: semantic/source-arn: SourceArn names target group " +
			named + ", but " + tg + " that registers the function is named " + tgName
	}
	write := func(resources map[string]any) string {
		path := filepath.Join(t.TempDir(), "S.template.json")
		data, _ := json.Marshal(map[string]any{"Resources": resources})
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	both := write(map[string]any{"TgA": tg("a", "PermA"), "TgB": tg("b", "PermB"), "PermA": perm("a"), "PermB": perm("b")})
	if !coveredTargetGroup(finding(both, "PermA", "a", "TgB", "b")) || !coveredTargetGroup(finding(both, "PermB", "b", "TgA", "a")) {
		t.Error("two target groups, each with its own permission: finding kept")
	}
	noWait := write(map[string]any{"TgA": tg("a", "PermA"), "TgB": tg("b"), "PermA": perm("a"), "PermB": perm("b")})
	if coveredTargetGroup(finding(noWait, "PermA", "a", "TgB", "b")) {
		t.Error("a target group that does not wait for its permission: finding dropped")
	}
	noPerm := write(map[string]any{"TgA": tg("a", "PermA"), "TgB": tg("b", "PermA"), "PermA": perm("a")})
	if coveredTargetGroup(finding(noPerm, "PermA", "a", "TgB", "b")) {
		t.Error("a target group without a permission naming it: finding dropped")
	}
	stray := write(map[string]any{"TgB": tg("b", "PermB"), "PermA": perm("a"), "PermB": perm("b")})
	if coveredTargetGroup(finding(stray, "PermA", "a", "TgB", "b")) {
		t.Error("a permission naming no target group of its function: finding dropped")
	}
	if coveredTargetGroup(both + ": PermA (AWS::Lambda::Permission) Properties.Action: semantic/lambda-permission: x") {
		t.Error("another finding dropped")
	}
}

// lintProbe is a template with cfn-lint findings of both levels (W2001,
// E3002, E3012), one of a rule .cfnlintrc ignores (W3005) and its region
// in its Metadata, as the tests' copies have it.
const lintProbe = `{
  "Parameters": {"Unused": {"Type": "String"}},
  "Resources": {
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
    "Queue": {"Type": "AWS::SQS::Queue", "DependsOn": "Role", "Properties": {"VisibilityTimeout": "x", "Bogus": 1, "Tags": [{"Key": "r", "Value": {"Fn::GetAtt": ["Role", "Arn"]}}]}}
  },
  "Metadata": {"cfn-lint": {"config": {"regions": ["eu-west-1"]}}}
}
`

// TestCfnLintServerIsTheCLI checks the server against the cfn-lint command:
// the same lines for the same arguments on a template with findings, and
// nothing of a rule .cfnlintrc ignores.
func TestCfnLintServerIsTheCLI(t *testing.T) {
	if _, err := cfnLintBin(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	srv, err := startCfnLintServer(dir)
	if err != nil {
		t.Skipf("no cfn-lint server here, the tests run the command (%v)", err)
	}
	defer srv.close()
	probe := filepath.Join(dir, "probe.json")
	if err := os.WriteFile(probe, []byte(lintProbe), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--config-file", filepath.Join(moduleRoot(), ".cfnlintrc"), "--format", "parseable", "--", probe}
	want, err := cfnLintCLI(args)
	if err != nil {
		t.Fatal(err)
	}
	got, err := srv.run(args)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("server:\n%s\ncommand:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, rule := range []string{":W2001:", ":E3002:", ":E3012:"} {
		if !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, rule) }) {
			t.Errorf("no %s finding:\n%s", strings.Trim(rule, ":"), strings.Join(got, "\n"))
		}
	}
	if slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, ":W3005:") }) {
		t.Errorf("W3005, which .cfnlintrc ignores, was reported:\n%s", strings.Join(got, "\n"))
	}
	// A bad argument is an error, not an empty answer, and the server goes on.
	if lines, err := srv.run([]string{"--format", "no-such-format", "--", probe}); err == nil {
		t.Errorf("an unknown format gave %q and no error", lines)
	}
	if again, err := srv.run(args); err != nil || !slices.Equal(again, want) {
		t.Errorf("after an error the server answered %q, %v", again, err)
	}
}
