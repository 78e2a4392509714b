package resourcepolicy

// effect is what an operation does to the policy of the resources it acts on.
type effect uint8

const (
	// changes: it may change the policy, or remove it with its resource.
	changes effect = iota + 1
	// creates: it creates the resource, which has no policy yet to say anything (AWS
	// authorizes a new bucket, queue, topic or function by the caller's policies); it may
	// set one, which replaces what was kept of a resource of that name.
	creates
)

// effects are the operations that touch the policy of the resources they act on, by the
// service's model id and operation name.
var effects = map[string]map[string]effect{
	"s3": {"CreateBucket": creates, "PutBucketPolicy": changes, "DeleteBucketPolicy": changes, "DeleteBucket": changes},
	"sqs": {"CreateQueue": creates, "SetQueueAttributes": changes, "AddPermission": changes, "RemovePermission": changes,
		"DeleteQueue": changes},
	"sns": {"CreateTopic": creates, "SetTopicAttributes": changes, "AddPermission": changes, "RemovePermission": changes,
		"DeleteTopic": changes},
	"kms":    {"PutKeyPolicy": changes},
	"lambda": {"CreateFunction": creates, "AddPermission": changes, "RemovePermission": changes, "DeleteFunction": changes},
}

// effectOf is what the operation does to the policy of the resources it acts on (0 for
// nothing).
func effectOf(service, operation string) effect { return effects[service][operation] }
