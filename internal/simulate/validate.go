package simulate

import (
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// checkPrincipalInput validates SimulatePrincipalPolicy's parameters' presence and sizes
// as the IAM API model constrains them.
func checkPrincipalInput(in PrincipalInput) error {
	if err := checkRequired(in.PolicySourceArn, "policySourceArn", 20, 2048); err != nil {
		return err
	}
	return checkShared(in.Input)
}

// checkCustomInput validates SimulateCustomPolicy's parameters' presence and sizes.
func checkCustomInput(in Input) error {
	if len(in.PolicyInputList) == 0 {
		return notNull("policyInputList")
	}
	return checkShared(in)
}

// checkShared validates the parameters the two simulations share.
func checkShared(in Input) error {
	if len(in.ActionNames) == 0 {
		return notNull("actionNames")
	}
	if err := checkMembers(in.ActionNames, "actionNames", 3, 128); err != nil {
		return err
	}
	if err := checkMembers(in.ResourceArns, "resourceArns", 1, 2048); err != nil {
		return err
	}
	for _, p := range []struct {
		v        *string
		member   string
		min, max int
	}{
		{in.ResourceOwner, "resourceOwner", 1, 2048},
		{in.CallerArn, "callerArn", 1, 2048},
		{in.ResourceHandlingOption, "resourceHandlingOption", 1, 64},
		{in.Marker, "marker", 1, 320},
	} {
		if p.v != nil {
			if err := checkLength(*p.v, p.member, p.min, p.max); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRequired validates a parameter that must be sent, with a length from min to max.
func checkRequired(v *string, member string, min, max int) error {
	if v == nil {
		return notNull(member)
	}
	return checkLength(*v, member, min, max)
}

func notNull(member string) error {
	return awserr.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

func checkLength(v, member string, min, max int) error {
	if len(v) >= min && len(v) <= max {
		return nil
	}
	rule := "Member must have length less than or equal to " + strconv.Itoa(max)
	if len(v) < min {
		rule = "Member must have length greater than or equal to " + strconv.Itoa(min)
	}
	return awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", v, member, rule)
}

// checkMembers validates the length of each member of a list, failing as AWS's validation
// does for list members: with the whole list.
func checkMembers(values []string, member string, min, max int) error {
	for _, v := range values {
		if len(v) < min || len(v) > max {
			return awserr.ValidationError("1 validation error detected: Value '[%s]' at '%s' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to %d, Member must have length greater than or equal to %d]", strings.Join(values, ", "), member, max, min)
		}
	}
	return nil
}
