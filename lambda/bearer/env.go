package bearer

import (
	"encoding/json"
	"fmt"

	"github.com/alb-cognito/alb-cognito-cdk/lambda/routes"
)

// ClientsEnvVar is the function's environment variable holding the machine
// clients' app client ids by name, as a JSON object {"name": "id", ...}. The
// stack writes it; the route table names clients, this maps them to ids.
const ClientsEnvVar = "MACHINE_CLIENTS"

// ParseClients decodes ClientsEnvVar's value and checks that every client a
// machine route of t lists has an id, so a function whose tables disagree
// fails at start instead of refusing every call.
func ParseClients(data string, t routes.Table) (map[string]string, error) {
	ids := map[string]string{}
	if data != "" {
		if err := json.Unmarshal([]byte(data), &ids); err != nil {
			return nil, fmt.Errorf("%s: %w", ClientsEnvVar, err)
		}
	}
	for _, r := range t.Machine() {
		for _, name := range r.Clients {
			if ids[name] == "" {
				return nil, fmt.Errorf("%s: no id for machine client %q of route %s", ClientsEnvVar, name, r.Name)
			}
		}
	}
	return ids, nil
}
