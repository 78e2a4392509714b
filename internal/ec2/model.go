package ec2

import (
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
)

// Instance states with the codes AWS reports (EC2 API reference, InstanceState).
const (
	StatePending      = "pending"
	StateRunning      = "running"
	StateShuttingDown = "shutting-down"
	StateTerminated   = "terminated"
	StateStopping     = "stopping"
	StateStopped      = "stopped"
)

// StateCode is the numeric code of a state name.
func StateCode(name string) int {
	switch name {
	case StatePending:
		return 0
	case StateRunning:
		return 16
	case StateShuttingDown:
		return 32
	case StateTerminated:
		return 48
	case StateStopping:
		return 64
	case StateStopped:
		return 80
	}
	return -1
}

// Association states (IamInstanceProfileAssociation).
const (
	AssocAssociating    = "associating"
	AssocAssociated     = "associated"
	AssocDisassociating = "disassociating"
	AssocDisassociated  = "disassociated"
)

// Tag is an EC2 resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// MetadataOptions are an instance's instance-metadata settings.
type MetadataOptions struct {
	HTTPTokens              string `json:"httpTokens"`   // optional | required
	HTTPEndpoint            string `json:"httpEndpoint"` // enabled | disabled
	HTTPPutResponseHopLimit int    `json:"hopLimit"`
	HTTPProtocolIPv6        string `json:"ipv6"`         // enabled | disabled
	InstanceMetadataTags    string `json:"metadataTags"` // enabled | disabled
}

// Association is an instance's instance-profile association.
type Association struct {
	ID         string    `json:"id"` // iip-assoc-...
	ProfileARN string    `json:"profileArn"`
	ProfileID  string    `json:"profileId"` // AIPA...
	State      string    `json:"state"`
	Timestamp  time.Time `json:"timestamp"`
}

// Instance is a launched machine.
type Instance struct {
	Account          string          `json:"account"`
	Region           string          `json:"region"`
	ID               string          `json:"id"`
	ReservationID    string          `json:"reservationId"`
	RequesterARN     string          `json:"requester,omitempty"`
	ImageID          string          `json:"imageId"`
	InstanceType     string          `json:"instanceType"`
	LaunchIndex      int             `json:"launchIndex"`
	LaunchTime       time.Time       `json:"launchTime"`
	State            string          `json:"state"`
	StateReason      string          `json:"stateReason,omitempty"`
	TerminatedAt     time.Time       `json:"terminatedAt,omitzero"`
	PrivateIP        string          `json:"privateIp"`
	AvailabilityZone string          `json:"az"`
	ClientToken      string          `json:"clientToken,omitempty"`
	RequestHash      string          `json:"requestHash,omitempty"` // of the RunInstances request, with ClientToken
	StoppedAt        time.Time       `json:"stoppedAt,omitzero"`
	Tags             []Tag           `json:"tags,omitempty"`
	Metadata         MetadataOptions `json:"metadata"`
	Profile          *Association    `json:"profile,omitempty"`
}

// ARN is the instance's ARN.
func (i *Instance) ARN() string { return InstanceARN(i.Region, i.Account, i.ID) }

// InstanceARN is arn:PARTITION:ec2:REGION:ACCOUNT:instance/ID (ID may be *), in the region's
// partition.
func InstanceARN(region, account, id string) string {
	return arn.InRegion("ec2", region, account, "instance/"+id)
}

// PrivateDNSName is the instance's private host name as EC2 names it in us-east-1 and
// elsewhere (ip-10-0-0-1.ec2.internal, ip-10-0-0-1.REGION.compute.internal).
func (i *Instance) PrivateDNSName() string {
	host := "ip-" + dashed(i.PrivateIP)
	if i.Region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + i.Region + ".compute.internal"
}

func dashed(ip string) string {
	b := []byte(ip)
	for k, c := range b {
		if c == '.' {
			b[k] = '-'
		}
	}
	return string(b)
}

// TagMap returns the tags as a map.
func (i *Instance) TagMap() map[string]string {
	m := make(map[string]string, len(i.Tags))
	for _, t := range i.Tags {
		m[t.Key] = t.Value
	}
	return m
}
