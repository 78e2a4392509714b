package frontdoor

import (
	"strings"
)

func init() {
	rules["dynamodb"] = &rule{
		// BatchGetItem and BatchWriteItem name their tables as RequestItems' keys.
		aliases: map[string][]string{"TableName": {"RequestItems"}},
		needs:   dynamodbNeeds,
		keys:    dynamodbKeys,
	}
}

// dynamodbTransactActions are the actions of a transaction's items, by the item's member.
var dynamodbTransactActions = map[string]string{
	"Get":            "dynamodb:GetItem",
	"Put":            "dynamodb:PutItem",
	"Update":         "dynamodb:UpdateItem",
	"Delete":         "dynamodb:DeleteItem",
	"ConditionCheck": "dynamodb:ConditionCheckItem",
}

// dynamodbNeeds are the actions on the tables of DynamoDB's transactions (each item's action:
// TransactWriteItems' Put is dynamodb:PutItem) and PartiQL statements (SELECT is
// dynamodb:PartiQLSelect, on the table the statement names). A statement that is not read
// needs nothing; a call with none read is not authorized (no action is its name).
func dynamodbNeeds(c *Call, first need) []need {
	obj, _ := jsonObject(c.Body)
	var needs []need
	table := func(action, name string) {
		params := map[string][]string{}
		if name != "" {
			params["TableName"] = []string{name}
		}
		needs = append(needs, need{action: action, params: params})
	}
	statement := func(s string) {
		if action, name := partiQL(s); action != "" {
			table(action, name)
		}
	}
	switch c.Operation.Name {
	case "TransactGetItems", "TransactWriteItems":
		for _, item := range objects(obj["TransactItems"]) {
			for member, action := range dynamodbTransactActions {
				if op, ok := item[member].(map[string]any); ok {
					name, _ := op["TableName"].(string)
					table(action, name)
				}
			}
		}
	case "ExecuteStatement":
		s, _ := obj["Statement"].(string)
		statement(s)
	case "BatchExecuteStatement", "ExecuteTransaction":
		list := "Statements"
		if c.Operation.Name == "ExecuteTransaction" {
			list = "TransactStatements"
		}
		for _, item := range objects(obj[list]) {
			s, _ := item["Statement"].(string)
			statement(s)
		}
	default:
		return []need{first}
	}
	if len(needs) == 0 {
		return []need{first} // nothing read: the operation's own name, which is no action (ErrUnmapped)
	}
	return needs
}

// objects is a JSON list's objects.
func objects(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, x := range list {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// partiQL reads a PartiQL statement's action and table: SELECT ... FROM "t" is
// dynamodb:PartiQLSelect on t, INSERT INTO "t", UPDATE "t", DELETE FROM "t" likewise; ""
// for what it cannot read.
func partiQL(s string) (action, table string) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "", ""
	}
	verb := strings.ToUpper(words[0])
	var after string
	switch verb {
	case "SELECT":
		action, after = "dynamodb:PartiQLSelect", "FROM"
	case "INSERT":
		action, after = "dynamodb:PartiQLInsert", "INTO"
	case "UPDATE":
		return "dynamodb:PartiQLUpdate", partiQLName(words[1:])
	case "DELETE":
		action, after = "dynamodb:PartiQLDelete", "FROM"
	default:
		return "", ""
	}
	for i, w := range words {
		if strings.EqualFold(w, after) {
			return action, partiQLName(words[i+1:])
		}
	}
	return action, ""
}

// partiQLName is the table name that starts the words: "t" (quoted), t, or "t"."index".
func partiQLName(words []string) string {
	if len(words) == 0 {
		return ""
	}
	w := words[0]
	if strings.HasPrefix(w, `"`) {
		if end := strings.IndexByte(w[1:], '"'); end >= 0 {
			return w[1 : end+1]
		}
		return ""
	}
	name, _, _ := strings.Cut(w, ".")
	return strings.TrimRight(name, ";")
}

// dynamodbKeys computes dynamodb:Attributes from the legacy AttributesToGet (a
// ProjectionExpression is not read).
func dynamodbKeys(c *Call, key string) []string {
	if strings.EqualFold(key, "dynamodb:Attributes") {
		return c.Params["AttributesToGet"]
	}
	return nil
}
