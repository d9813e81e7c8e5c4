package preview

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/alb-cognito/alb-cognito-cdk/config"
	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// ExampleRoutes returns the route table the stack would build from the
// example configuration (config.Example) with the example routes
// (config.ExampleRoutes): an admin area for group admins, an API under
// /api/* that needs a custom scope and is denied without a session, and a
// partner area that signs in with Google (so identityProviders lists it). It goes through config.FromContext and Config.RouteTable,
// exactly as a synth does, so the preview never types the table again.
func ExampleRoutes() (routes.Table, error) {
	ctx := config.Example()
	ctx["routes"] = config.ExampleRoutes()
	// The partner area signs in with Google, which the client must allow.
	ctx["identityProviders"] = []any{"COGNITO", "Google"}
	c, err := config.FromContext(ctx)
	if err != nil {
		return routes.Table{}, fmt.Errorf("example configuration: %w", err)
	}
	return c.RouteTable(), nil
}

// RoutesFromCDKJSON returns the route table the stack would build from the
// context in a cdk.json file (its "context" object, through
// config.StagesFromContext and Config.RouteTable). With stages, stage names
// the one to use; it may be empty when the stages' route tables are the same.
// Every configuration problem is reported, as a synth would report it.
func RoutesFromCDKJSON(path, stage string) (routes.Table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return routes.Table{}, err
	}
	var f struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return routes.Table{}, fmt.Errorf("%s: %w", path, err)
	}
	if f.Context == nil {
		return routes.Table{}, fmt.Errorf("%s: no \"context\" object", path)
	}
	f.Context[config.StageKey] = stage
	stages, err := config.StagesFromContext(f.Context)
	if err != nil {
		return routes.Table{}, fmt.Errorf("%s: %w", path, err)
	}
	table := stages[0].Config.RouteTable()
	for _, s := range stages[1:] {
		if !reflect.DeepEqual(s.Config.RouteTable(), table) {
			names := make([]string, len(stages))
			for i, s := range stages {
				names[i] = s.Name
			}
			return routes.Table{}, fmt.Errorf("%s: stages %s have different route tables; name one (-stage %s)",
				path, strings.Join(names, ", "), names[0])
		}
	}
	return table, nil
}
