package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// moduleRoot is the directory holding the main module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run from inside the module (no go.mod found)")
	}
	return filepath.Dir(gomod), nil
}

// prepareEnviron gives every child what the Makefile gives it, so the command
// also works when run without make: the pinned Node.js first on PATH, no
// telemetry, no instance-metadata probe, no deprecated-Node banner.
func prepareEnviron(root string) {
	bin := filepath.Join(root, "node_modules", ".bin")
	path := os.Getenv("PATH")
	if !slices.Contains(filepath.SplitList(path), bin) {
		os.Setenv("PATH", bin+string(os.PathListSeparator)+path)
	}
	for k, v := range map[string]string{
		"CDK_DISABLE_CLI_TELEMETRY":                    "true",
		"AWS_EC2_METADATA_DISABLED":                    "true",
		"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
	} {
		if os.Getenv(k) == "" {
			os.Setenv(k, v)
		}
	}
}

// result is one timed process.
type result struct {
	wall   time.Duration
	cpu    time.Duration // user+system, including the descendants it waited for (the jsii kernel)
	maxRSS int64         // bytes; the largest of the process and its waited-for descendants
	out    []byte        // stdout and stderr
	err    error
}

// timed runs cmd to completion, measuring from just before the fork to the
// end of wait. Output is captured, not shown.
func timed(cmd *exec.Cmd) result {
	var buf bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &buf
	}
	if cmd.Stderr == nil {
		cmd.Stderr = &buf
	}
	t0 := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(t0), out: buf.Bytes(), err: err}
	if ps := cmd.ProcessState; ps != nil {
		r.cpu = ps.UserTime() + ps.SystemTime()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = int64(ru.Maxrss) * 1024 // KiB on Linux
		}
	}
	return r
}

// command returns an exec.Cmd run in the module root.
func (e *env) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = e.root
	return cmd
}

// mustRun runs a preparatory (untimed) command and returns its output, or an
// error carrying the output's tail.
func (e *env) mustRun(cmd *exec.Cmd) ([]byte, error) {
	r := timed(cmd)
	if r.err != nil {
		return r.out, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), r.err, tail(r.out, 30))
	}
	return r.out, nil
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// median returns the median of xs (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread is "min–max" of xs, formatted by f.
func spread(xs []float64, f func(float64) string) string {
	if len(xs) == 0 {
		return "-"
	}
	return f(slices.Min(xs)) + "–" + f(slices.Max(xs))
}

func seconds(x float64) string { return fmt.Sprintf("%.2f s", x) }
func millis(x float64) string  { return fmt.Sprintf("%.1f ms", x) }

// nanos formats a duration in nanoseconds with a unit that suits it.
func nanos(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2f ms", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f µs", x/1e3)
	}
	return fmt.Sprintf("%.0f ns", x)
}

// megabytes formats a size in decimal megabytes (10^6 bytes).
func megabytes(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

// machine describes where and when the numbers were taken.
type machine struct {
	date      time.Time
	goVersion string
	node      string
	cdkCLI    string
	awscdk    string
	cpus      int
	cpuModel  string
	loadStart string
	loadEnd   string
	elapsed   time.Duration
}

func describeMachine(root string) machine {
	m := machine{date: time.Now(), cpus: runtime.NumCPU(), loadStart: loadAvg()}
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(out))
	}
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		m.node = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile(filepath.Join(root, "node_modules", "aws-cdk", "package.json")); err == nil {
		m.cdkCLI = jsonField(b, "version")
	}
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/aws/aws-cdk-go/awscdk/v2")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil {
		m.awscdk = strings.TrimSpace(string(out))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpuModel = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// loadAvg is the 1, 5 and 15 minute load averages, or "" where unknown.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func (e *env) cpus() int { return runtime.NumCPU() }

// snapshotSkip are the top-level entries of the module root that snapshot
// leaves out: installed or generated, not source.
var snapshotSkip = map[string]bool{".git": true, "node_modules": true, "cdk.out": true, "bin": true}

// snapshot copies the module's source (go.mod, go.sum, cdk.json, every
// package) from root to dst. The apps and the function are built and
// synthesized from the copy, so one run sees one version of the source even
// while people edit the working tree: an edit under lambda/ changes the
// function's asset hash and would otherwise rebuild the function in the
// middle of the timed synth runs. The apps find their module directory from
// their source location (stacks.ModuleDir), which is then the copy.
func snapshot(root, dst string) error {
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() && snapshotSkip[rel] {
			return filepath.SkipDir
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() || strings.HasSuffix(rel, ".test") || strings.HasSuffix(rel, ".prof") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// snapCommand returns an exec.Cmd run in the source snapshot.
func (e *env) snapCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = e.snap
	return cmd
}
