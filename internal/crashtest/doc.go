// Package crashtest proves the durability promises against real
// processes and real faults. Its tests run the switchboard binary, send
// it custom-channel webhooks from many goroutines and check the store
// against a ledger of what was acknowledged:
//
//   - TestSIGKILLUnderLoad kills one node with SIGKILL mid-load and
//     restarts it on the same store (SQLite, and PostgreSQL when
//     SWITCHBOARD_TEST_POSTGRES is set);
//   - TestSeveralNodes runs two nodes on one PostgreSQL: webhooks through
//     both, events of one on the other's live stream, workflow steps and
//     sends once across nodes;
//   - TestOnceAcrossNodes runs two nodes (three with
//     SWITCHBOARD_TEST_FAULTS=1) and checks the work no single request
//     does happens once, whichever node does it: outgoing webhook
//     deliveries to two receivers of the test (one failing some first
//     POSTs), each event accepted once, signed, in order per
//     conversation; a workflow's Wait step ending once per run, with the
//     runs due together; snoozed conversations woken once by the timer;
//   - TestNodeKilled and TestPostgresStopped kill a node of a cluster, or
//     stop its PostgreSQL, under load (short here; long with
//     SWITCHBOARD_TEST_FAULTS=1, `make test-faults`);
//   - TestIntegratorSlowAndFailing has the custom channel's integrator
//     fail, hang up and answer slower than the send timeout while two
//     nodes take load, then heal it: every send accepted once, or
//     failed for good with the integrator's reason when it refused it;
//   - TestGiveUpAcrossNodes has the integrator fail every send while
//     two nodes run with a short retry backoff (--send-retry-delay):
//     each message attempted exactly 10 times across the nodes, then
//     failed once with the last answer as its reason; again with a node
//     killed mid-attempts;
//   - TestAutoCloseAcrossNodes has conversations fall due for auto-close
//     on every node's timer: each closed once, none missed or early;
//     again with a node killed among the closes;
//   - TestOneWorkspaceSaturated floods one workspace's channel on a
//     SQLite node while another workspace sends a light stream, whose
//     p99 must stay within 2× of its p99 idle; it does not hold yet and
//     runs only with SWITCHBOARD_TEST_SATURATION=1;
//   - TestBackupWhileServing copies a serving SQLite node with
//     `switchboard backup`;
//   - TestProofAtSize is issue 14's proof: two and three nodes, agents
//     each holding a live socket and closing what it names, contacts
//     answering the seed workflow, a node killed midway (20 agents and
//     120 conversations here; 200 agents and 20,000 conversations with
//     SWITCHBOARD_TEST_FAULTS=1, `make test-size`).
//
// The several-node tests start a PostgreSQL server of their own, which
// they stop, and run each node with deploy/node.env, the settings
// docker-compose.yml gives its nodes. The package has no code of its own.
package crashtest
