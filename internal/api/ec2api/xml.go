package ec2api

import (
	"time"

	"github.com/iamd-dev/iamd/internal/ec2"
)

// EC2's XML: lower-camel element names, lists as <xxxSet><item/></xxxSet>, times with
// milliseconds. A response's elements follow the <requestId> the codec writes first
// (reservationXML is RunInstances's).

const timeFormat = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

// set is an EC2 list: <xxxSet><item/>...</xxxSet>, written even when empty.
type set[T any] struct {
	Items []T `xml:"item"`
}

type stateXML struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

func state(name string) stateXML { return stateXML{Code: ec2.StateCode(name), Name: name} }

type tagXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type profileXML struct {
	Arn string `xml:"arn"`
	ID  string `xml:"id"`
}

type metadataXML struct {
	State                   string `xml:"state"`
	HTTPTokens              string `xml:"httpTokens"`
	HTTPPutResponseHopLimit int    `xml:"httpPutResponseHopLimit"`
	HTTPEndpoint            string `xml:"httpEndpoint"`
	HTTPProtocolIPv6        string `xml:"httpProtocolIpv6"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags"`
}

func metadata(m ec2.MetadataOptions, st string) metadataXML {
	return metadataXML{State: st, HTTPTokens: m.HTTPTokens, HTTPPutResponseHopLimit: m.HTTPPutResponseHopLimit,
		HTTPEndpoint: m.HTTPEndpoint, HTTPProtocolIPv6: m.HTTPProtocolIPv6, InstanceMetadataTags: m.InstanceMetadataTags}
}

type placementXML struct {
	AvailabilityZone string `xml:"availabilityZone"`
	GroupName        string `xml:"groupName"`
	Tenancy          string `xml:"tenancy"`
}

type stateReasonXML struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type instanceXML struct {
	InstanceID          string          `xml:"instanceId"`
	ImageID             string          `xml:"imageId"`
	InstanceState       stateXML        `xml:"instanceState"`
	PrivateDNSName      string          `xml:"privateDnsName"`
	DNSName             string          `xml:"dnsName"`
	Reason              string          `xml:"reason"`
	AmiLaunchIndex      int             `xml:"amiLaunchIndex"`
	ProductCodes        struct{}        `xml:"productCodes"`
	InstanceType        string          `xml:"instanceType"`
	LaunchTime          string          `xml:"launchTime"`
	Placement           placementXML    `xml:"placement"`
	Monitoring          stateOnly       `xml:"monitoring"`
	PrivateIPAddress    string          `xml:"privateIpAddress,omitempty"`
	SourceDestCheck     bool            `xml:"sourceDestCheck"`
	GroupSet            struct{}        `xml:"groupSet"`
	StateReason         *stateReasonXML `xml:"stateReason,omitempty"`
	Architecture        string          `xml:"architecture"`
	RootDeviceType      string          `xml:"rootDeviceType"`
	RootDeviceName      string          `xml:"rootDeviceName"`
	BlockDeviceMapping  struct{}        `xml:"blockDeviceMapping"`
	VirtualizationType  string          `xml:"virtualizationType"`
	ClientToken         string          `xml:"clientToken"`
	TagSet              []tagXML        `xml:"tagSet>item,omitempty"`
	Hypervisor          string          `xml:"hypervisor"`
	NetworkInterfaceSet struct{}        `xml:"networkInterfaceSet"`
	IamInstanceProfile  *profileXML     `xml:"iamInstanceProfile,omitempty"`
	EbsOptimized        bool            `xml:"ebsOptimized"`
	EnaSupport          bool            `xml:"enaSupport"`
	MetadataOptions     metadataXML     `xml:"metadataOptions"`
	PlatformDetails     string          `xml:"platformDetails"`
	UsageOperation      string          `xml:"usageOperation"`
}

type stateOnly struct {
	State string `xml:"state"`
}

// instance renders an instance as RunInstances and DescribeInstances show it; launching is
// true for RunInstances's answer, where a new instance is still pending.
func instance(inst *ec2.Instance, launching bool) instanceXML {
	st := inst.State
	mdState := "applied"
	if launching {
		st, mdState = ec2.StatePending, "pending"
	}
	x := instanceXML{
		InstanceID: inst.ID, ImageID: inst.ImageID, InstanceState: state(st),
		PrivateDNSName: inst.PrivateDNSName(), AmiLaunchIndex: inst.LaunchIndex, InstanceType: inst.InstanceType,
		LaunchTime: ts(inst.LaunchTime),
		Placement:  placementXML{AvailabilityZone: inst.AvailabilityZone, Tenancy: "default"},
		Monitoring: stateOnly{"disabled"}, PrivateIPAddress: inst.PrivateIP, SourceDestCheck: true,
		Architecture: "x86_64", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda", VirtualizationType: "hvm",
		ClientToken: inst.ClientToken, Hypervisor: "xen", EnaSupport: true,
		MetadataOptions: metadata(inst.Metadata, mdState), PlatformDetails: "Linux/UNIX", UsageOperation: "RunInstances",
	}
	if st == ec2.StateTerminated || st == ec2.StateShuttingDown {
		x.PrivateDNSName, x.PrivateIPAddress = "", ""
		x.Reason = "User initiated (" + inst.TerminatedAt.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
		x.StateReason = &stateReasonXML{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
	}
	if st == ec2.StateStopped {
		// A stopped instance keeps its private address; EC2 says who stopped it and when.
		x.Reason = "User initiated (" + inst.StoppedAt.UTC().Format("2006-01-02 15:04:05 GMT") + ")"
		x.StateReason = &stateReasonXML{Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown"}
	}
	for _, t := range inst.Tags {
		x.TagSet = append(x.TagSet, tagXML{t.Key, t.Value})
	}
	if inst.Profile != nil {
		x.IamInstanceProfile = &profileXML{Arn: inst.Profile.ProfileARN, ID: inst.Profile.ProfileID}
	}
	return x
}

type reservationXML struct {
	ReservationID string           `xml:"reservationId"`
	OwnerID       string           `xml:"ownerId"`
	RequesterID   string           `xml:"requesterId,omitempty"`
	GroupSet      struct{}         `xml:"groupSet"`
	InstancesSet  set[instanceXML] `xml:"instancesSet"`
}

type describeInstancesResponse struct {
	ReservationSet set[reservationXML] `xml:"reservationSet"`
	NextToken      string              `xml:"nextToken,omitempty"`
}

type stateChangeXML struct {
	InstanceID    string   `xml:"instanceId"`
	CurrentState  stateXML `xml:"currentState"`
	PreviousState stateXML `xml:"previousState"`
}

// stateChangeResponse is the content of StopInstancesResponse, StartInstancesResponse and
// TerminateInstancesResponse.
type stateChangeResponse struct {
	InstancesSet set[stateChangeXML] `xml:"instancesSet"`
}

type associationXML struct {
	AssociationID      string     `xml:"associationId"`
	InstanceID         string     `xml:"instanceId"`
	IamInstanceProfile profileXML `xml:"iamInstanceProfile"`
	State              string     `xml:"state"`
	Timestamp          string     `xml:"timestamp"`
}

func association(a *ec2.AssociationInfo) associationXML {
	return associationXML{AssociationID: a.ID, InstanceID: a.InstanceID, IamInstanceProfile: profileXML{a.ProfileARN, a.ProfileID},
		State: a.State, Timestamp: ts(a.Timestamp)}
}

type associationResponse struct {
	Association associationXML `xml:"iamInstanceProfileAssociation"`
}

type describeAssociationsResponse struct {
	Associations set[associationXML] `xml:"iamInstanceProfileAssociationSet"`
	NextToken    string              `xml:"nextToken,omitempty"`
}

type modifyMetadataResponse struct {
	Instance string      `xml:"instanceId"`
	Options  metadataXML `xml:"instanceMetadataOptions"`
}
