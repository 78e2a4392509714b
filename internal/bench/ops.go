package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strconv"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// benchTrustPolicy is the trust policy of the roles the benchmarks create.
const benchTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// Ops are the operations `iamd bench --op` knows.
func Ops(c *awsclient.Client) map[string]Op {
	suffix := randomSuffix()
	roleName := "iamd-bench-" + suffix
	createRole := func(ctx context.Context, name string) error {
		_, err := c.Query(ctx, "iam", url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"},
			"RoleName": {name}, "AssumeRolePolicyDocument": {benchTrustPolicy}})
		return err
	}
	deleteRole := func(ctx context.Context, name string) error {
		_, err := c.Query(ctx, "iam", url.Values{"Action": {"DeleteRole"}, "Version": {"2010-05-08"}, "RoleName": {name}})
		return err
	}
	call := func(service, action string, extra ...string) func(context.Context, int, int) error {
		return func(ctx context.Context, _, _ int) error {
			v := url.Values{"Action": {action}}
			if service == "iam" {
				v.Set("Version", "2010-05-08")
			} else {
				v.Set("Version", "2011-06-15")
			}
			for i := 0; i+1 < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			_, err := c.Query(ctx, service, v)
			return err
		}
	}
	withRole := Op{
		Setup:    func(ctx context.Context) error { return createRole(ctx, roleName) },
		Teardown: func(ctx context.Context) error { return deleteRole(ctx, roleName) },
	}
	// pages pages through a whole list as the roles' paging ops do, with the bench's role
	// in it.
	pages := func(action string, params url.Values) Op {
		op := Pages(c, action, PageSize, params)
		op.Setup, op.Teardown = withRole.Setup, withRole.Teardown
		return op
	}
	getRole := withRole
	getRole.Run = call("iam", "GetRole", "RoleName", roleName)
	listRoles := withRole
	listRoles.Run = call("iam", "ListRoles")
	self := &selfTrustedRole{c: c, name: roleName}
	assumeRole := Op{Setup: self.create, Run: self.assumeRole, Teardown: self.remove}
	secretName := "iamd-bench/" + suffix
	getSecretValue := Op{
		Setup: func(ctx context.Context) error {
			_, err := c.JSON(ctx, "secretsmanager", "secretsmanager.CreateSecret", map[string]string{
				"Name": secretName, "SecretString": `{"user":"bench","password":"` + randomSuffix() + `"}`, "ClientRequestToken": "iamd-bench-" + suffix + "-000000000000000000"})
			return err
		},
		Run: func(ctx context.Context, _, _ int) error {
			_, err := c.JSON(ctx, "secretsmanager", "secretsmanager.GetSecretValue", map[string]string{"SecretId": secretName})
			return err
		},
		Teardown: func(ctx context.Context) error {
			_, err := c.JSON(ctx, "secretsmanager", "secretsmanager.DeleteSecret", map[string]any{"SecretId": secretName, "ForceDeleteWithoutRecovery": true})
			return err
		},
	}
	ops := map[string]Op{
		"sqs-get-queue-url":                 sqsGetQueueURL(c, "iamd-bench-"+suffix),
		"get-secret-value":                  getSecretValue,
		"assume-role":                       assumeRole,
		"get-caller-identity":               {Run: call("sts", "GetCallerIdentity")},
		"get-user":                          {Run: call("iam", "GetUser")},
		"get-role":                          getRole,
		"list-roles":                        listRoles,
		"list-roles-all":                    pages("ListRoles", nil),
		"get-account-authorization-details": pages("GetAccountAuthorizationDetails", nil),
		"mixed":                             mixed(c, roleName),
		"create-delete-role": {Run: func(ctx context.Context, w, i int) error {
			// The pair runs to its end even when the run's deadline passes meanwhile, so that
			// no role is left behind; each call is bounded by the client's timeout.
			ctx = context.WithoutCancel(ctx)
			name := "iamd-bench-" + suffix + "-" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
			if err := createRole(ctx, name); err != nil {
				return err
			}
			return deleteRole(ctx, name)
		}},
		"decision": decision(c, "iamd-bench-decision-"+suffix),
	}
	for name, op := range secretOps(c, DefaultFillPrefix) {
		ops[name] = op
	}
	return ops
}

// DefaultFillPrefix is the prefix `iamd bench fill` names roles and secrets with by default.
const DefaultFillPrefix = "iamd-fill"

// PageSize is the MaxItems of the paging ops: that of a ListRoles call that sets none.
const PageSize = 100

// Writer is the load `iamd bench --writes-per-second` runs beside the op it measures:
// PutRolePolicy and TagRole in turn, on a role of its own.
func Writer(c *awsclient.Client) Op { return writer(c, "iamd-bench-writer-"+randomSuffix()) }

// OpNames lists the operations in order.
func OpNames(ops map[string]Op) []string {
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func randomSuffix() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprint("crypto/rand: ", err))
	}
	return hex.EncodeToString(b[:])
}

// roleArnOf reads a role's ARN.
func roleArnOf(ctx context.Context, c *awsclient.Client, name string) (string, error) {
	body, err := c.Query(ctx, "iam", url.Values{"Action": {"GetRole"}, "Version": {"2010-05-08"}, "RoleName": {name}})
	if err != nil {
		return "", err
	}
	var r struct {
		Arn string `xml:"GetRoleResult>Role>Arn"`
	}
	err = xml.Unmarshal(body, &r)
	return r.Arn, err
}

// sqsGetQueueURL loads a service iamd does not serve, through the front door: SQS's
// GetQueueUrl (Query protocol) of a queue made before and deleted after, authorized by iamd
// and answered by the upstream (or by a canned upstream, called straight).
func sqsGetQueueURL(c *awsclient.Client, queue string) Op {
	sqs := func(ctx context.Context, action string, params ...string) ([]byte, error) {
		v := url.Values{"Action": {action}, "Version": {"2012-11-05"}}
		for i := 0; i+1 < len(params); i += 2 {
			v.Set(params[i], params[i+1])
		}
		return c.Query(ctx, "sqs", v)
	}
	return Op{
		Setup: func(ctx context.Context) error {
			_, err := sqs(ctx, "CreateQueue", "QueueName", queue)
			return err
		},
		Run: func(ctx context.Context, _, _ int) error {
			_, err := sqs(ctx, "GetQueueUrl", "QueueName", queue)
			return err
		},
		Teardown: func(ctx context.Context) error {
			body, err := sqs(ctx, "GetQueueUrl", "QueueName", queue)
			if err != nil {
				return err
			}
			var r struct {
				QueueURL string `xml:"GetQueueUrlResult>QueueUrl"`
			}
			if err := xml.Unmarshal(body, &r); err != nil {
				return err
			}
			_, err = sqs(ctx, "DeleteQueue", "QueueUrl", r.QueueURL)
			return err
		},
	}
}
