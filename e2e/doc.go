// Package e2e holds the browser test: headless Chromium, driven by chromedp,
// against the local preview (internal/preview) started in process. It is
// behind the e2e build tag, so go test ./... never needs a browser:
//
//	make e2e                                # installs Debian's chromium if missing
//	go test -tags e2e -count=1 -v ./e2e/... # with Chromium already installed
//
// E2E_CHROMIUM names the browser binary (default /usr/bin/chromium, then
// chromium on PATH). The signed-in page's screenshot is written to
// e2e/artifacts/; E2E_UPDATE_SCREENSHOT=1 also writes docs/preview.png, the
// README's picture.
package e2e
