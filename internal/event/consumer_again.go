package event

import "errors"

// ErrHandleAgain, wrapped in the error a Handle returns, says that the
// handler learned from this try's failure what to do differently (the
// workflow engine then leaves out of the batch's transaction the chain of
// steps that failed in it): the batch's transaction is rolled back and run
// again at once, not after a backoff, and the failure is not counted.
var ErrHandleAgain = errors.New("event: handle the batch again")
