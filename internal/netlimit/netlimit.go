// Package netlimit bounds what network clients can hold of a server: timeouts for its HTTP
// server, and a listener that serves at most a given number of connections at once.
// Connections beyond it wait, in the kernel's accept queue, until one of those served
// closes.
package netlimit

import (
	"net"
	"sync"
)

// Listener returns l accepting at most n connections open at once (n < 1 means 1).
func Listener(l net.Listener, n int) net.Listener {
	return &listener{Listener: l, slots: make(chan struct{}, max(n, 1)), done: make(chan struct{})}
}

type listener struct {
	net.Listener
	slots     chan struct{} // one token per open connection
	done      chan struct{} // closed by Close
	closeOnce sync.Once
}

// Accept waits for a free slot, then for a connection.
func (l *listener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &conn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close closes the listener; an Accept waiting for a slot returns net.ErrClosed.
func (l *listener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// conn gives its slot back when it is closed (once, however often Close is called).
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
