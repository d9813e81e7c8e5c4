package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// crossEnv is the environment GoFunction bundles with (aws-lambda-go-alpha's
// local bundling) for an arm64 function.
var crossEnv = map[string]string{"GOOS": "linux", "GOARCH": "arm64", "CGO_ENABLED": "0", "GO111MODULE": "on"}

// buildPackage builds pkg exactly as the stack's GoFunction does (same
// environment, `go build -o bootstrap -trimpath -ldflags="-s -w"`, from the
// module root), zips it as a deployment package and returns the binary's and
// the zip's sizes.
func (e *env) buildPackage(srcDir, pkg, dir string) (bin string, size, zipped int64, err error) {
	bin = filepath.Join(dir, "bootstrap")
	cmd := e.command("go", "build", "-o", bin, "-trimpath", "-ldflags=-s -w", pkg)
	cmd.Dir = srcDir
	cmd.Env = setEnv(os.Environ(), nil, crossEnv)
	if _, err = e.mustRun(cmd); err != nil {
		return "", 0, 0, err
	}
	zipPath := filepath.Join(dir, "function.zip")
	if err = zipFile(zipPath, bin); err != nil {
		return "", 0, 0, err
	}
	return bin, fileSize(bin), fileSize(zipPath), nil
}

// zipFile writes a zip holding src as an executable named bootstrap, deflated
// at the best compression level.
func zipFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err == nil {
		_, err = io.Copy(w, in)
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func fileDigest(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return fmt.Sprintf("%x", sum[:])
}

func benchPackage(e *env) error {
	pbin, psize, pzip, err := e.buildPackage(e.snap, "./lambda/whoami", filepath.Join(e.work, "pkg", "whoami"))
	if err != nil {
		return err
	}
	_, fsize, fzip, err := e.buildPackage(e.snap, "./bench/floorfn", filepath.Join(e.work, "pkg", "floorfn"))
	if err != nil {
		return err
	}
	const limit = 5_000_000
	e.addRow(row{
		measure: "function package, zipped (linux/arm64, -trimpath -ldflags=\"-s -w\", deflate)",
		project: megabytes(pzip), floor: megabytes(fzip) + " (aws-lambda-go, no verification)", ratio: float64(pzip) / float64(fzip),
		target: "≤ 5 MB", met: yesNo(pzip <= limit),
	})
	e.addRow(row{
		measure: "function binary, unzipped (bootstrap)",
		project: megabytes(psize), floor: megabytes(fsize), ratio: float64(psize) / float64(fsize),
		target: "-", met: "-",
	})

	var seen []string
	want := fileDigest(pbin)
	if e.synthAsset != "" {
		same := "identical to"
		if fileDigest(e.synthAsset) != want {
			same = "**different from**"
		}
		seen = append(seen, fmt.Sprintf("the asset this run's cold synth bundled is %s (%d bytes), %s this build", megabytes(fileSize(e.synthAsset)), fileSize(e.synthAsset), same))
	}
	assets, _ := filepath.Glob(filepath.Join(e.root, "cdk.out", "asset.*", "bootstrap"))
	for _, a := range assets {
		same := "identical to"
		if fileDigest(a) != want {
			same = "different from"
		}
		rel, _ := filepath.Rel(e.root, a)
		seen = append(seen, fmt.Sprintf("%s is %s (%d bytes), %s this build", rel, megabytes(fileSize(a)), fileSize(a), same))
	}
	if len(seen) == 0 {
		seen = append(seen, "no cdk.out/asset.*/bootstrap in the repository (run make synth)")
	}
	e.notef("Package: bootstrap %d bytes, zip %d bytes; %s.", psize, pzip, strings.Join(seen, "; "))

	// The custom asset hash (stacks/assethash.go) covers only lambda/, go.mod
	// and go.sum: any other package of this module in the function's build
	// would change the binary without changing the hash.
	out, err := e.mustRun(e.snapCommand("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./lambda/whoami"))
	if err == nil {
		mod := e.mod
		var outside []string
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, mod+"/") && !strings.HasPrefix(p, mod+"/lambda/") {
				outside = append(outside, p)
			}
		}
		if len(outside) > 0 {
			e.notef("**The function imports packages outside lambda/, which its asset hash does not cover: %s**", strings.Join(outside, ", "))
		}
	}
	if info, err := e.command("go", "version", "-m", pbin).Output(); err == nil && bytes.Contains(info, []byte("vcs.revision")) {
		e.notef("The function binary embeds VCS stamps (vcs.revision, vcs.modified), which the asset hash does not cover: " +
			"a cached asset keeps the commit it was built at. `-buildvcs=false` in the stack's build flags would make the binary a pure function of what the hash covers.")
	}
	return nil
}
