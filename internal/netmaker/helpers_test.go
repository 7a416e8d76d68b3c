package netmaker

import "errors"

func isKind(err, kind error) bool { return errors.Is(err, kind) }
