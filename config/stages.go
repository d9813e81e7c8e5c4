package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Context keys for stages. They are not settings (Keys does not list them):
// they say which settings go to which stage.
const (
	// StagesKey holds the named stages: an object whose keys are stage names
	// and whose values are objects of settings that override the shared ones.
	StagesKey = "stages"
	// StageKey selects one stage to build (-c stage=prod); empty builds every
	// stage.
	StageKey = "stage"
)

// Stage is one environment of the app: its name and its validated
// configuration. A flat configuration (no "stages" key) is one Stage with an
// empty name.
type Stage struct {
	Name   string
	Config Config
}

// stageNameRe is the intersection of the CDK's rules for Stage ids
// (^[a-z][a-z0-9\-_.]*$, case-insensitive) and CloudFormation stack names
// (^[A-Za-z][A-Za-z0-9-]*$): the stage's stack is named <stage>-<stackName>.
var stageNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// StagesFromContext decodes and validates every stage in ctx and returns the
// stages to build: all of them, or only the one the "stage" key names.
//
// Without a "stages" key the context is one flat configuration (FromContext),
// returned as a single Stage with an empty name. With one, every key outside
// "stages" is a shared setting, and each stage's object overrides them:
//
//   - a key a stage sets replaces the shared value whole (lists too);
//   - a key a stage does not set keeps the shared value, or its default;
//   - -c key=value replaces the shared value, so it reaches every stage that
//     does not set key itself; -c stages.<name>.key=value replaces stage
//     <name>'s own value.
//
// Every problem in every stage is returned at once. A problem with a key a
// stage sets is named stages.<name>.<key> (stages.prod.routes[0].scopes[0]
// when the stage sets routes); a problem with a shared value is named by its
// key, once for each distinct message, with the stages it affects when not all
// of them: a message that quotes a stage's own value (a resource server that
// defaults to https://<recordName>) is given once per stage.
// Two stages may not share a record name.
func StagesFromContext(ctx map[string]any) ([]Stage, error) {
	shared := map[string]any{}
	cli := map[string]map[string]any{} // -c stages.<name>.<key>=value
	var cliKeys []string
	for k, v := range ctx {
		switch name, key, ok := splitStageKey(k); {
		case k == StagesKey || k == StageKey:
		case ok:
			if cli[name] == nil {
				cli[name] = map[string]any{}
			}
			cli[name][key] = v
			cliKeys = append(cliKeys, k)
		default:
			shared[k] = v
		}
	}
	sort.Strings(cliKeys)
	var ps Problems
	selected, ok := ctx[StageKey].(string)
	if v := ctx[StageKey]; v != nil && !ok {
		ps = append(ps, Problem{StageKey, fmt.Sprintf("expected a stage name, got %s; e.g. -c stage=prod", describe(v))})
	}

	raw := ctx[StagesKey]
	if raw == nil || raw == "" {
		for _, k := range cliKeys {
			ps = append(ps, Problem{k, "overrides a stage's setting, but the configuration has no stages; set the key without the stages.<name>. prefix"})
		}
		if selected != "" {
			ps = append(ps, Problem{StageKey, fmt.Sprintf("selects stage %q, but the configuration has no stages (no %q object in cdk.json's context); "+
				"remove -c stage=%s (make: STAGE=%s) or add the stage", selected, StagesKey, selected, selected)})
		}
		c, err := FromContext(shared)
		if err != nil {
			ps = append(ps, err.(Problems)...)
		}
		if len(ps) > 0 {
			return nil, sortStageProblems(ps, nil)
		}
		return []Stage{{Config: c}}, nil
	}

	bodies, p := stageBodies(raw)
	if p != nil {
		return nil, sortStageProblems(append(ps, *p), nil)
	}
	names := slices.Sorted(maps.Keys(bodies))
	for _, k := range cliKeys {
		if name, _, _ := splitStageKey(k); bodies[name] == nil {
			ps = append(ps, Problem{k, fmt.Sprintf("names stage %q, which does not exist; the stages are %s", name, strings.Join(names, ", "))})
		}
	}

	type sharedProblem struct {
		Problem
		stages []string
	}
	var sharedPs []*sharedProblem
	var stages []Stage
	for _, name := range names {
		prefix := StagesKey + "." + name + "."
		body := bodies[name]
		if !stageNameRe.MatchString(name) {
			ps = append(ps, Problem{StagesKey + "." + name, "is not a valid stage name: the stage's CloudFormation stack is named <stage>-<stackName>, " +
				"so use a letter followed by letters, digits or hyphens, e.g. prod or eu-prod"})
		}
		own := maps.Clone(body)
		maps.Copy(own, cli[name])
		merged := maps.Clone(shared)
		for k, v := range own {
			switch {
			case k == StagesKey || k == StageKey:
				ps = append(ps, Problem{prefix + k, "is not allowed inside a stage: stages do not nest; remove it"})
			case IsCDKKey(k):
				ps = append(ps, Problem{prefix + k, "is a CDK key; CDK keys (feature flags, bundling settings) apply to the whole app: move it to cdk.json's context, outside stages"})
			default:
				merged[k] = v
			}
		}
		c, err := FromContext(merged)
		if err != nil {
			for _, p := range err.(Problems) {
				_, set := own[p.Key]
				if _, setting := own[settingOf(p.Key)]; set || setting {
					ps = append(ps, Problem{prefix + p.Key, p.Message})
					continue
				}
				i := slices.IndexFunc(sharedPs, func(s *sharedProblem) bool { return s.Problem == p })
				if i < 0 {
					sharedPs = append(sharedPs, &sharedProblem{Problem: p})
					i = len(sharedPs) - 1
				}
				sharedPs[i].stages = append(sharedPs[i].stages, name)
			}
			continue
		}
		if n := len(name) + 1 + len(c.StackName); n > 128 {
			ps = append(ps, Problem{StagesKey + "." + name, fmt.Sprintf("makes the stack name %s-%s %d characters long; CloudFormation allows 128: shorten the stage name or stackName",
				name, c.StackName, n)})
		}
		stages = append(stages, Stage{Name: name, Config: c})
	}
	for _, s := range sharedPs {
		p := s.Problem
		if len(s.stages) < len(names) {
			p.Message += fmt.Sprintf(" (the shared value, in stage%s %s)", plural(len(s.stages)), strings.Join(s.stages, ", "))
		}
		ps = append(ps, p)
	}
	ps = append(ps, conflicts(stages, bodies, cli)...)
	ps = append(ps, sharedListenerConflicts(stages)...)
	ps = append(ps, sharedAcrossRegions(stages, shared, bodies, cli)...)
	ps = append(ps, resourceServerConflicts(stages, bodies, cli)...)
	if selected != "" && bodies[selected] == nil {
		ps = append(ps, Problem{StageKey, fmt.Sprintf("there is no stage %q; the stages are %s", selected, strings.Join(names, ", "))})
	}
	if len(ps) > 0 {
		return nil, sortStageProblems(ps, names)
	}
	if selected != "" {
		i := slices.IndexFunc(stages, func(s Stage) bool { return s.Name == selected })
		return stages[i : i+1], nil
	}
	return stages, nil
}

// stageBodies decodes the "stages" value: an object of objects, or (from
// -c stages=...) a string holding one.
func stageBodies(raw any) (map[string]map[string]any, *Problem) {
	const example = `{"dev": {"recordName": "dev.example.com"}, "prod": {}}`
	if s, ok := raw.(string); ok {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, &Problem{StagesKey, fmt.Sprintf("is a string that is not a JSON object (%v); e.g. %s", err, example)}
		}
		raw = v
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, &Problem{StagesKey, fmt.Sprintf("expected an object of stages, got %s; e.g. %s", describe(raw), example)}
	}
	if len(obj) == 0 {
		return nil, &Problem{StagesKey, "is empty; name at least one stage, e.g. " + example + ", or remove it for a single environment"}
	}
	bodies := make(map[string]map[string]any, len(obj))
	var bad []string
	for name, v := range obj {
		switch b := v.(type) {
		case map[string]any:
			bodies[name] = b
		case nil:
			bodies[name] = map[string]any{}
		default:
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, &Problem{StagesKey + "." + bad[0], fmt.Sprintf("expected an object of settings, got %s; e.g. {\"recordName\": \"%s.example.com\"}", describe(obj[bad[0]]), bad[0])}
	}
	return bodies, nil
}

// conflicts finds settings two stages may not share. Each stage creates its
// own user pool client whose callback URL is https://<recordName>/oauth2/idpresponse,
// and its own alias record for recordName: so two stages, whether on one user
// pool or two, need different record names; nothing else of a client collides.
//
// Two stages in one account and region may not have one stack name either
// (<stage>-<stackName>: stage a-b with stackName c, and stage a with
// stackName b-c): both would deploy to one CloudFormation stack.
func conflicts(stages []Stage, bodies map[string]map[string]any, cli map[string]map[string]any) Problems {
	var ps Problems
	owns := func(stage, key string) bool {
		_, own := bodies[stage][key]
		return own || cli[stage][key] != nil
	}
	first := map[string]string{}
	records := map[string]bool{}
	for _, s := range stages {
		records[strings.ToLower(s.Config.RecordName)] = true
	}
	for _, s := range stages {
		name := strings.ToLower(s.Config.RecordName)
		other, taken := first[name]
		if !taken {
			first[name] = s.Name
			continue
		}
		msg := fmt.Sprintf("%s is also stage %s's recordName; each stage needs its own: the stages' alias records would be one record, "+
			"and their user pool clients one callback URL (https://%s/oauth2/idpresponse); set a different recordName in stage %s",
			s.Config.RecordName, other, s.Config.RecordName, s.Name)
		// The stage's name as a label of the zone, when that is a valid
		// recordName no stage has.
		if eg := strings.ToLower(s.Name) + "." + s.Config.HostedZoneName; domainProblem(eg, eg) == "" && !records[eg] {
			msg += ", e.g. " + eg
		}
		if owns(s.Name, "recordName") {
			ps = append(ps, Problem{StagesKey + "." + s.Name + ".recordName", msg})
		} else {
			ps = append(ps, Problem{"recordName", msg})
		}
	}
	stacks := map[string]Stage{}
	for _, s := range stages {
		c := s.Config
		id := c.Account() + "/" + c.Region() + "/" + s.Name + "-" + c.StackName
		other, taken := stacks[id]
		if !taken {
			stacks[id] = s
			continue
		}
		// At least one of the two sets stackName itself: with the shared
		// one, different stage names give different stack names.
		named := s.Name
		if !owns(s.Name, "stackName") {
			named = other.Name
		}
		ps = append(ps, Problem{StagesKey + "." + named + ".stackName", fmt.Sprintf("the stacks of stages %s and %s would both be named %s-%s "+
			"(<stage>-<stackName>), in the same account %s and region %s: both stages would deploy to one CloudFormation stack; "+
			"give stage %s another stackName", other.Name, s.Name, s.Name, c.StackName, c.Account(), c.Region(), named)})
	}
	return ps
}

// settingOf returns the context key a problem key concerns: routes for
// routes[2].paths[0] or routes[1].authenticationRequestExtraParams.x.
func settingOf(key string) string {
	if i := strings.IndexAny(key, "[."); i > 0 {
		return key[:i]
	}
	return key
}

// regionBound are the settings that name a resource of one region: a shared
// value cannot serve stages in two regions.
var regionBound = []struct{ key, what string }{
	{"vpcId", "a VPC"},
	{"publicSubnetIds", "a subnet"},
	{"accessLogsBucket", "the access-log bucket (the load balancer writes only to a bucket in its own region)"},
}

// sharedAcrossRegions finds a shared vpcId, publicSubnetIds or
// accessLogsBucket that reaches stages in different regions (the stages that
// do not set the key themselves).
func sharedAcrossRegions(stages []Stage, shared map[string]any, bodies map[string]map[string]any, cli map[string]map[string]any) Problems {
	var ps Problems
	for _, rb := range regionBound {
		if v, ok := shared[rb.key]; !ok || v == nil || v == "" {
			continue
		}
		byRegion := map[string][]string{}
		var regions []string
		for _, s := range stages {
			if _, own := bodies[s.Name][rb.key]; own || cli[s.Name][rb.key] != nil {
				continue
			}
			r := s.Config.Region()
			if byRegion[r] == nil {
				regions = append(regions, r)
			}
			byRegion[r] = append(byRegion[r], s.Name)
		}
		if len(regions) < 2 {
			continue
		}
		where := make([]string, len(regions))
		for i, r := range regions {
			where[i] = fmt.Sprintf("stage%s %s in %s", plural(len(byRegion[r])), strings.Join(byRegion[r], ", "), r)
		}
		ps = append(ps, Problem{rb.key, fmt.Sprintf("the shared value reaches %s; %s is in one region, so one value cannot serve them all: "+
			"set %s in each stage's own settings (stages.<name>.%s) instead of sharing it", strings.Join(where, " and "), rb.what, rb.key, rb.key)})
	}
	return ps
}

// resourceServerConflicts finds stages that would fight over one resource
// server. A user pool holds one resource server per identifier, so two
// stages on one pool that both create resourceServerId would collide: the
// second deploy fails, and deleting either stage would delete the scopes the
// other's clients use. One stage must own it (createResourceServer) and the
// others use it as existing; those others then need only scopes the owner
// creates, which are the scopes of the owner's machine routes.
func resourceServerConflicts(stages []Stage, bodies map[string]map[string]any, cli map[string]map[string]any) Problems {
	type server struct{ pool, id string }
	owners := map[server][]Stage{}
	var order []server
	for _, s := range stages {
		c := s.Config
		if !c.CreateResourceServer || c.ResourceServerID == "" {
			continue
		}
		k := server{c.UserPoolArn, c.ResourceServerID}
		if owners[k] == nil {
			order = append(order, k)
		}
		owners[k] = append(owners[k], s)
	}
	sets := func(stage, key string) bool {
		_, own := bodies[stage][key]
		return own || cli[stage][key] != nil
	}
	var ps Problems
	for _, k := range order {
		own := owners[k]
		if len(own) < 2 {
			continue
		}
		names := make([]string, len(own))
		for i, s := range own {
			names[i] = s.Name
		}
		key := "createResourceServer"
		for _, s := range own[1:] {
			if sets(s.Name, key) {
				key = StagesKey + "." + s.Name + "." + key
				break
			}
		}
		ps = append(ps, Problem{key, fmt.Sprintf("stages %s all create resource server %s on user pool %s, which holds one resource server per identifier: "+
			"the second deploy would fail, and deleting one stage would delete the scopes the others' clients use. "+
			"Let one stage own it: set createResourceServer to true in that stage only (e.g. stages.%s.createResourceServer: true) and false in the others, "+
			"which then use it as existing (deploy the owner first); or give each stage its own resourceServerId (the default is https://<recordName>)",
			strings.Join(names, ", "), k.id, own[0].Config.UserPoolID(), own[0].Name)})
	}
	for _, s := range stages {
		c := s.Config
		if c.CreateResourceServer || c.ResourceServerID == "" {
			continue
		}
		own := owners[server{c.UserPoolArn, c.ResourceServerID}]
		if len(own) != 1 {
			continue
		}
		owner := own[0]
		created := map[string]bool{}
		for _, r := range owner.Config.RouteTable().Machine() {
			for _, sc := range r.Scopes {
				created[sc] = true
			}
		}
		var missing []string
		for _, r := range c.RouteTable().Machine() {
			for _, sc := range r.Scopes {
				if !created[sc] && !slices.Contains(missing, sc) {
					missing = append(missing, sc)
				}
			}
		}
		if len(missing) > 0 {
			ps = append(ps, Problem{StagesKey + "." + s.Name, fmt.Sprintf("uses resource server %s, which stage %s creates on the same user pool with the scopes of its own machine routes only; "+
				"%s %s not among them, so Cognito would refuse this stage's machine clients: add a machine route requiring %s to stage %s, or remove %s from this stage's routes",
				c.ResourceServerID, owner.Name, strings.Join(missing, ", "), isAre(len(missing)), itThem(len(missing)), owner.Name, itThem(len(missing)))})
		}
	}
	return ps
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// splitStageKey splits stages.<name>.<key>.
func splitStageKey(k string) (name, key string, ok bool) {
	rest, ok := strings.CutPrefix(k, StagesKey+".")
	if !ok {
		return "", "", false
	}
	name, key, ok = strings.Cut(rest, ".")
	return name, key, ok && name != "" && key != ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sortStageProblems orders problems: shared keys first (in the order of
// Keys), then "stage", then each stage's in name order.
func sortStageProblems(ps Problems, names []string) error {
	rank := func(p Problem) (int, int, string) {
		if name, key, ok := splitStageKey(p.Key); ok {
			return 2 + slices.Index(names, name), keyIndex(key), key
		}
		if name, ok := strings.CutPrefix(p.Key, StagesKey+"."); ok {
			return 2 + slices.Index(names, name), -1, ""
		}
		if p.Key == StageKey || p.Key == StagesKey {
			return 1, 0, ""
		}
		return 0, keyIndex(p.Key), p.Key
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a1, a2, a3 := rank(ps[i])
		b1, b2, b3 := rank(ps[j])
		if a1 != b1 {
			return a1 < b1
		}
		if a2 != b2 {
			return a2 < b2
		}
		return a3 < b3
	})
	return ps
}

// sharedListenerConflicts finds stages attached to one listener whose rule
// priority blocks overlap (a listener holds each priority once, so the
// second deploy would fail), whose session cookies share a name, or which
// share a certificate (deleting one stack would remove it for both).
func sharedListenerConflicts(stages []Stage) Problems {
	var ps Problems
	for i, a := range stages {
		for _, b := range stages[i+1:] {
			ca, cb := a.Config, b.Config
			if !ca.Attach() || ca.ListenerArn != cb.ListenerArn {
				continue
			}
			fa, la := ca.RulePriorities()
			fb, lb := cb.RulePriorities()
			if fa <= lb && fb <= la {
				ps = append(ps, Problem{StagesKey + "." + b.Name + ".rulePriorityBase", fmt.Sprintf("stages %s and %s attach to the same listener "+
					"with overlapping rule priorities (%d-%d and %d-%d); a listener holds each priority once: give stage %s a rulePriorityBase above %d "+
					"or one whose block ends below %d", a.Name, b.Name, fa, la, fb, lb, b.Name, la, fa)})
			}
			if ca.SessionCookieName == cb.SessionCookieName {
				ps = append(ps, Problem{StagesKey + "." + b.Name + ".sessionCookieName", fmt.Sprintf("is %s, as stage %s's, and both stages attach to the same "+
					"listener: give each site its own session cookie name (or leave it unset: in attach mode it defaults to one per recordName)",
					cb.SessionCookieName, a.Name)})
			}
			if ca.CertificateArn == cb.CertificateArn {
				ps = append(ps, Problem{StagesKey + "." + b.Name + ".certificateArn", fmt.Sprintf("is stage %s's too, and both stages attach to the same "+
					"listener: each stack adds its certificate to the listener's list and removes it when deleted, and the list holds a certificate once, "+
					"so deleting one stage's stack would take it from the other; give each site its own certificate",
					a.Name)})
			}
		}
	}
	return ps
}
