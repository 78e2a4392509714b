package simulate

// Input is what SimulatePrincipalPolicy and SimulateCustomPolicy share, as the caller sent
// it: the simulator validates it as the IAM API does. An optional parameter is nil when it
// was not sent (a parameter sent empty is validated as such).
type Input struct {
	Account                            string // the account of the call
	Partition                          string // the account's partition ("" is aws)
	PolicyInputList                    []string
	PermissionsBoundaryPolicyInputList []string
	ResourcePolicy                     *string
	ActionNames                        []string
	ResourceArns                       []string // none means "*"
	ResourceOwner                      *string
	CallerArn                          *string
	ResourceHandlingOption             *string
	ContextEntries                     []ContextEntry
	MaxItems                           *string // as sent: an integer from 1 to 1000 (100 when absent)
	Marker                             *string
}

// PrincipalInput is SimulatePrincipalPolicy's input: the user, group or role whose
// policies are simulated, with what the two simulations share.
type PrincipalInput struct {
	Input
	PolicySourceArn *string
}

// ContextEntry is one ContextEntries member: a condition key, the type its values are
// checked against (string, numeric, boolean, ip, binary, date, each with a List form), and
// its values.
type ContextEntry struct {
	Name   string
	Type   string
	Values []string
}

// ContextKeysInput is GetContextKeysForPrincipalPolicy's input.
type ContextKeysInput struct {
	Account         string // the account of the call
	PolicySourceArn *string
	PolicyInputList []string
}
