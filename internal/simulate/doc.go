// Package simulate is IAM's policy simulator. SimulatePrincipalPolicy and
// SimulateCustomPolicy evaluate a principal's stored policies, or documents given in the
// call, against actions of any service (the engine needs no catalog of actions);
// GetContextKeysFor*Policy list the context keys those policies read.
//
// The simulator validates its input as the IAM API constrains it, gathers the principal's
// policies from the iam service (a user's with its groups', and its permissions boundary),
// settles the simulated caller and the owner of the resources, builds each request with
// only the context entries given (the engine's derived global keys are not part of a
// simulation), and reports for each action and resource the decision, the statements that
// decided it, the context keys that statements bearing on it read but were not given, and
// how each kind of policy decided. It knows nothing of HTTP or of any wire format.
package simulate
