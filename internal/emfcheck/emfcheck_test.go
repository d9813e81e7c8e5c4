package emfcheck

import (
	"strings"
	"testing"
)

// specExample is the valid example of the specification's "Embedded metric
// format example and JSON schema".
const specExample = `{"_aws":{"Timestamp":1574109732004,"CloudWatchMetrics":[{"Namespace":"lambda-function-metrics",` +
	`"Dimensions":[["functionVersion"]],"Metrics":[{"Name":"time","Unit":"Milliseconds","StorageResolution":60}]}]},` +
	`"functionVersion":"$LATEST","time":100,"requestId":"989ffbf8-9ace-4817-a57c-e4dd734019ee"}`

func TestSpecExample(t *testing.T) {
	doc, err := Check([]byte(specExample + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Metrics) != 1 {
		t.Fatalf("metrics %+v", doc.Metrics)
	}
	m := doc.Metrics[0]
	if m.Namespace != "lambda-function-metrics" || m.Name != "time" || m.Unit != "Milliseconds" || m.Value != 100 || m.Dimensions["functionVersion"] != "$LATEST" {
		t.Errorf("metric %+v", m)
	}
	if doc.Timestamp.UnixMilli() != 1574109732004 {
		t.Errorf("timestamp %v", doc.Timestamp)
	}
}

func TestBroken(t *testing.T) {
	for name, tc := range map[string]struct{ from, to, want string }{
		"two lines":           {`"time":100,`, "\"time\":100,\n", "more than one line"},
		"trailing data":       {`"}`, `"} x`, "after the JSON object"},
		"no _aws":             {`"_aws"`, `"aws"`, "no _aws"},
		"timestamp string":    {`1574109732004`, `"1574109732004"`, "Timestamp is not a number"},
		"timestamp float":     {`1574109732004`, `1574109732004.5`, "not an integer"},
		"empty namespace":     {`"lambda-function-metrics"`, `""`, "Namespace"},
		"no dimension sets":   {`[["functionVersion"]]`, `[]`, "at least one DimensionSet"},
		"dimension not root":  {`"functionVersion":"$LATEST",`, ``, "dimension functionVersion"},
		"dimension a number":  {`"$LATEST"`, `7`, "dimension functionVersion"},
		"nested target":       {`"time":100,`, `"x":{"time":100},`, "metric time"},
		"metric a string":     {`"time":100`, `"time":"100"`, "metric time"},
		"unknown unit":        {`"Milliseconds"`, `"ms"`, "not a CloudWatch unit"},
		"metric without name": {`"Name":"time",`, ``, "no Name"},
	} {
		t.Run(name, func(t *testing.T) {
			line := strings.Replace(specExample, tc.from, tc.to, 1)
			if line == specExample {
				t.Fatalf("%q is not in the example", tc.from)
			}
			_, err := Check([]byte(line))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
