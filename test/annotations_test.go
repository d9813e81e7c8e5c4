package test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
)

// message is one annotation synth attached to a construct, as `cdk synth`
// prints it: the construct's path, the level (info, warning or error) and the
// text.
type message struct {
	path, level, text string
}

// messages returns the annotations of s's stack, read from the cloud
// assembly its synth wrote: the stack artifact's metadata in manifest.json,
// where the CDK CLI reads them. assertions.Annotations_FromStack reads the
// same entries, but synthesizes the stage again to get them (a second
// synth, with the CloudFormation validator and cdk-nag, for every call).
func (s *synthesized) messages(t *testing.T) []message {
	t.Helper()
	var id string
	guard(t, func() { id = *s.site.Stack.ArtifactId() })
	var out []message
	found := false
	err := filepath.WalkDir(s.outdir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "manifest.json" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var m struct {
			Artifacts map[string]struct {
				Type     string        `json:"type"`
				Metadata stackMetadata `json:"metadata"`
				// Newer assemblies keep the metadata in a file of its own.
				AdditionalMetadataFile string `json:"additionalMetadataFile"`
			} `json:"artifacts"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		a, ok := m.Artifacts[id]
		if !ok || a.Type != "aws:cloudformation:stack" {
			return nil
		}
		found = true
		metadata := []stackMetadata{a.Metadata}
		if a.AdditionalMetadataFile != "" {
			more := filepath.Join(filepath.Dir(path), a.AdditionalMetadataFile)
			data, err := os.ReadFile(more)
			if err != nil {
				return err
			}
			var md stackMetadata
			if err := json.Unmarshal(data, &md); err != nil {
				return fmt.Errorf("%s: %w", more, err)
			}
			metadata = append(metadata, md)
		}
		for _, md := range metadata {
			for p, entries := range md {
				for _, e := range entries {
					level, ok := annotationLevels[e.Type]
					if !ok {
						continue
					}
					text, ok := e.Data.(string)
					if !ok {
						return fmt.Errorf("%s: %s on %s is %T, not a string", path, e.Type, p, e.Data)
					}
					out = append(out, message{path: p, level: level, text: text})
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the messages of %s: %v", id, err)
	}
	if !found {
		t.Fatalf("no stack artifact %s in the cloud assembly %s", id, s.outdir)
	}
	return out
}

// stackMetadata is a stack artifact's metadata: entries by construct path.
type stackMetadata map[string][]struct {
	Type string `json:"type"`
	Data any    `json:"data"`
}

// annotationLevels are the manifest's metadata types of the three levels.
var annotationLevels = map[string]string{
	"aws:cdk:info":    "info",
	"aws:cdk:warning": "warning",
	"aws:cdk:error":   "error",
}

// messagesAt returns the texts of s's messages of one level.
func (s *synthesized) messagesAt(t *testing.T, level string) []message {
	t.Helper()
	var out []message
	for _, m := range s.messages(t) {
		if m.level == level {
			out = append(out, m)
		}
	}
	return out
}

// TestMessagesAreTheCDKsAnnotations checks messages against the CDK's own
// reader, assertions.Annotations_FromStack, on stacks with an info note (the
// attach example's egress note) and a warning (a route without HEAD): both
// must list the same messages, path, level and text.
func TestMessagesAreTheCDKsAnnotations(t *testing.T) {
	getOnly, err := synth(getOnlyContext())
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*synthesized{"attach": attachSite(t), "GET without HEAD": getOnly} {
		got := s.messages(t)
		var want []message
		guard(t, func() {
			a := assertions.Annotations_FromStack(s.site.Stack)
			for level, find := range map[string]func(*string, any) *[]*cxapi.SynthesisMessage{
				"info": a.FindInfo, "warning": a.FindWarning, "error": a.FindError,
			} {
				for _, m := range *find(jsii.String("*"), assertions.Match_AnyValue()) {
					want = append(want, message{path: *m.Id, level: level, text: fmt.Sprint(m.Entry.Data)})
				}
			}
		})
		if len(want) == 0 {
			t.Fatalf("%s: the CDK reports no messages: the check decides nothing", name)
		}
		cmp := func(a, b message) int { return strings.Compare(a.path+a.level+a.text, b.path+b.level+b.text) }
		slices.SortFunc(got, cmp)
		slices.SortFunc(want, cmp)
		if !slices.Equal(got, want) {
			t.Errorf("%s: messages\n%v\nthe CDK's annotations\n%v", name, got, want)
		}
	}
}
