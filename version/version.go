// Package version holds the project's one version string. CHANGELOG.md's
// top entry names the same version; a test keeps the two equal. The preview
// prints it (-version), and the CDK app names it when it refuses a
// configuration.
package version

// Version is the project's version, semantic versioning without a leading v.
// Raise it together with a new top entry in CHANGELOG.md.
const Version = "0.5.1"
