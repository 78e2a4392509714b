package secrets

import (
	"context"
	"regexp"
	"time"

	"github.com/iamd-dev/iamd/internal/docstore"
)

// RotateInput is RotateSecret's parameters.
type RotateInput struct {
	Token     string
	LambdaARN string
	Rules     *Rotation // AfterDays, Duration, ScheduleExpression; nil keeps the current rules
}

// ErrCannotInvoke is what AWS answers when it cannot invoke a rotation function: iamd runs
// no functions, so every rotation ends here.
func ErrCannotInvoke() error {
	return AccessDenied("Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.")
}

var durationPattern = regexp.MustCompile(`^[0-9]{1,2}h$`)

// Validate checks the input as RotateSecret does before the caller is authorized.
func (in RotateInput) Validate() error {
	if in.Token != "" {
		if err := validToken(in.Token); err != nil {
			return err
		}
	}
	if in.Rules == nil {
		return nil
	}
	if in.Rules.AfterDays != 0 && (in.Rules.AfterDays < 1 || in.Rules.AfterDays > 1000) {
		return invalidParameter("AutomaticallyAfterDays must be between 1 and 1000.")
	}
	if in.Rules.AfterDays != 0 && in.Rules.ScheduleExpression != "" {
		return invalidParameter("You can't specify both AutomaticallyAfterDays and ScheduleExpression.")
	}
	if in.Rules.Duration != "" && !durationPattern.MatchString(in.Rules.Duration) {
		return invalidParameter("Duration must be a number of hours between 1h and 24h, such as 4h.")
	}
	return nil
}

// Rotate keeps the target's rotation configuration (RotateSecret) and then, since rotation
// runs a Lambda function iamd does not have, reports that the function cannot be invoked: it
// never returns nil. It checks in (Validate) first.
func (s *Service) Rotate(ctx context.Context, t *Target, in RotateInput) error {
	if err := in.Validate(); err != nil {
		return err
	}
	_, err := s.editLive(ctx, t, func(_ docstore.Tx, sec *Secret, now time.Time) error {
		rot := Rotation{}
		if sec.Rotation != nil {
			rot = *sec.Rotation
		}
		if in.LambdaARN != "" {
			rot.LambdaARN = in.LambdaARN
		}
		if rot.LambdaARN == "" {
			return invalidRequest("No Lambda rotation function ARN is associated with this secret.")
		}
		if in.Rules != nil {
			rot.AfterDays, rot.Duration, rot.ScheduleExpression = in.Rules.AfterDays, in.Rules.Duration, in.Rules.ScheduleExpression
		}
		rot.Enabled = true
		rot.Next = nil
		if rot.AfterDays > 0 {
			next := dayOf(now).Add(time.Duration(rot.AfterDays) * 24 * time.Hour)
			rot.Next = &next
		}
		sec.Rotation = &rot
		sec.LastChanged = now
		return nil
	})
	if err != nil {
		return err
	}
	return ErrCannotInvoke()
}

// CancelRotation turns the target's automatic rotation off, keeping the function and rules
// for reference (CancelRotateSecret). It returns the secret and the AWSPENDING version, if
// any.
func (s *Service) CancelRotation(ctx context.Context, t *Target) (*Secret, string, error) {
	pending := ""
	sec, err := s.editLive(ctx, t, func(_ docstore.Tx, sec *Secret, now time.Time) error {
		if sec.Rotation != nil {
			sec.Rotation.Enabled = false
			sec.Rotation.Next = nil
		}
		if v := sec.staged(StagePending); v != nil {
			pending = v.ID
		}
		sec.LastChanged = now
		return nil
	})
	return sec, pending, err
}
