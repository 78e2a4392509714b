package server

// The credential report actions in the enumeration of every IAM action: both on "*".
func init() {
	arnCases["GenerateCredentialReport"] = arnCase{resource: "*"}
	arnCases["GetCredentialReport"] = arnCase{resource: "*"}
}
