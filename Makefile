# Everything a fresh machine with Go and Node.js needs is installed by these
# targets: the CDK CLI and a supported Node.js from package-lock.json, Go
# modules from go.sum. Nothing needs AWS credentials except `make deploy`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The pinned Node.js (node_modules/.bin/node) runs both the CDK CLI and the jsii
# kernel the Go app starts.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
# Synth and tests never call AWS: skip the SDK's instance-metadata probe.
export AWS_EC2_METADATA_DISABLED := true
export CDK_DISABLE_CLI_TELEMETRY := true

CDK := npx --no-install cdk
NPM_STAMP := node_modules/.package-lock.json

# STAGE=name works on one stage of cdk.json's "stages": the app builds only that
# stage (-c stage=name) and the CLI selects its stack ('name/*'). Without it,
# synth builds and selects every stack ('**', which includes the stacks inside
# stages), and deploy and diff stop when cdk.json has stages, unless CDK_ARGS
# selects stacks itself ('prod/*', --all). A CDK_ARGS of options only
# (-c key=value, --profile name, ...) selects nothing, so it still needs STAGE.
STAGE ?=
STAGE_ARGS := $(if $(STAGE),-c stage=$(STAGE) '$(STAGE)/*')
# The CDK CLI options that take a value: the word after one is not a stack.
CDK_VALUE_OPTIONS := -c|--context|-a|--app|-o|--output|--profile|-r|--role-arn|--parameters|-O|--outputs-file|--require-approval|-m|--method|--toolkit-stack-name|--change-set-name|-t|--tags|--notification-arns|--concurrency|--progress|-p|--plugin|-E|--build-exclude|--proxy|--ca-bundle-path|--template|--context-lines
NEED_STAGE = @if [ -z "$(STAGE)" ]; then \
	  selects=; value=; set -f; \
	  for a in $(CDK_ARGS); do \
	    if [ -n "$$value" ]; then value=; continue; fi; \
	    case "$$a" in --all) selects=1 ;; $(CDK_VALUE_OPTIONS)) value=1 ;; -*) ;; *) selects=1 ;; esac; \
	  done; set +f; \
	  stages="$$(node -e 'const s = require("./cdk.json").context?.stages; if (s) console.log(Object.keys(s).sort().join(", "))')"; \
	  if [ -z "$$selects" ] && [ -n "$$stages" ]; then \
	    echo "cdk.json has stages ($$stages): name one, e.g. make $@ STAGE=$${stages%%,*}" >&2; exit 2; \
	  fi; \
	fi

.PHONY: help deps synth test deploy diff clean

help: ## List the targets.
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@# node_modules holds Go template files (the CDK CLI's init templates); a
	@# go.mod of its own keeps it out of this module's ./... patterns.
	@printf 'module node_modules\n' > node_modules/go.mod
	@touch $@

deps: $(NPM_STAMP) ## Install the pinned CDK CLI, Node.js and Go modules.
	go mod download

synth: deps ## Synthesize every stage of cdk.json into cdk.out (STAGE=prod: only that one).
	$(call CDK_BUILD_NOTE,3)
	$(CDK) synth --quiet $(or $(STAGE_ARGS),'**') $(CDK_ARGS)
	@echo "Templates and the cdk-nag report are in cdk.out/"

# -race where there is concurrency to find: the function's packages and the
# preview with its simulators. Every other package runs without it: most of
# them link the CDK's Go bindings (test/, constructs/, stacks/, internal/siteapp,
# the app), whose tests drive one jsii kernel, and compiling the bindings with
# -race took most of `make test`'s time.
#
# go test starts packages in the order it is given them, -p (the number of
# cores) at a time: the packages whose tests take longest come first, so that
# the short ones run beside them instead of before them (go list drops a
# package named twice). TEST_FIRST is that order for the packages outside
# RACE_PKGS.
RACE_PKGS := ./lambda/identity ./internal/preview ./lambda/... ./cmd/preview ./internal/albsim ./internal/lambdarun ./internal/syncbuf
TEST_FIRST := ./test ./examples ./constructs/machineauth
# A -race binary sleeps a second at exit by default (GORACE atexit_sleep_ms=1000),
# for races in goroutines still running after main returns: a second per
# package, most of the -race command's time once its binaries are linked. The
# tests end the goroutines they start, and a race while a test runs fails that
# test whatever the sleep, so make test does not wait.
RACE_ENV := GORACE=atexit_sleep_ms=0
# go test's own vet pass is off: `go vet ./...`, just before, runs every
# default analyzer on every package and its test files, a superset of the
# checks go test runs, and go test's pass, with a cold build cache, computed
# the analysis facts of every dependency again (the CDK's bindings among them),
# and again for the -race builds: about 15 s of a cold make test.
GO_TEST_FLAGS := -count=1 -vet=off

# The first build compiles the CDK's Go bindings and prints nothing while it
# does: say so when the build cache lacks them (go list's Stale is a cache
# lookup, under a second). $(1) is the minutes measured with a cold build
# cache on a busy 2-core machine: make test 3.2 to 4.5 (5.5 CPU-minutes), make
# synth 3.0 (2.4).
CDK_BUILD_NOTE = @if [ "$$(go list -f '{{.Stale}}' github.com/aws/aws-cdk-go/awscdk/v2 2>/dev/null)" != false ]; then \
	  echo "Compiling the CDK's Go bindings on the first run takes about $(1) minutes; later runs reuse them."; fi

test: deps ## Run go vet, actionlint on .github/workflows and every test (-race for lambda/ and the preview).
	$(call CDK_BUILD_NOTE,4)
	go vet ./...
	go tool actionlint
	$(RACE_ENV) go test -race $(GO_TEST_FLAGS) $(RACE_PKGS)
	go test $(GO_TEST_FLAGS) $$(go list $(TEST_FIRST) ./... | grep -vxF -f <(go list $(RACE_PKGS)))

deploy: deps ## Deploy one stage with your credentials and real config (STAGE=prod; CDK_ARGS="-c key=value ...").
	$(NEED_STAGE)
	$(CDK) deploy $(STAGE_ARGS) $(CDK_ARGS)

diff: deps ## Show what a deploy would change (STAGE=prod).
	$(NEED_STAGE)
	$(CDK) diff $(STAGE_ARGS) $(CDK_ARGS)

.PHONY: bench
bench: deps ## Measure synth, tests and the function against their floors (bench/results.md).
	go run ./bench/cmd/bench

clean: ## Remove build output.
	rm -rf cdk.out

# The local preview and its browser test: cmd/preview, internal/preview, e2e/.
.PHONY: preview e2e

preview: ## Serve the app on 127.0.0.1:8080 behind a simulated load balancer (PREVIEW_ARGS='-email bob@example.com'; -h lists flags).
	go run ./cmd/preview $(PREVIEW_ARGS)

# Installs Debian's chromium when no browser is found, as root or with
# password-less sudo; where it cannot, the test skips and says why.
e2e: ## Drive headless Chromium against the preview (installs Debian's chromium if missing).
	@if [ ! -x /usr/bin/chromium ] && [ -z "$${E2E_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; \
	  else sudo=no; fi; \
	  if [ "$$sudo" = no ] || ! command -v apt-get >/dev/null 2>&1; then \
	    echo "e2e: no Chromium, and no apt-get as root or with password-less sudo to install it"; \
	  else \
	    echo "e2e: installing Debian's chromium"; \
	    $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
	      || echo "e2e: installing chromium failed"; \
	  fi; \
	fi
	go test -tags e2e -count=1 -v ./e2e/...
