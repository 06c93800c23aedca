package satisfaction

// SendTx is the sender's work for one close, which the consumer runs.
var SendTx = (*Service).sendTx
