package cachetest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// FakeRedis is a minimal Redis speaking RESP2: PING, GET, SET (with an
// optional PX/EX that is accepted and ignored) and DEL; every other command
// gets an error reply, which go-redis tolerates for HELLO and CLIENT.
type FakeRedis struct {
	ln   net.Listener
	mu   sync.Mutex
	data map[string]string
	wg   sync.WaitGroup
}

// NewFakeRedis starts a fake Redis on 127.0.0.1 and stops it when the test
// ends.
func NewFakeRedis(t testing.TB) *FakeRedis {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("cachetest: listen: %v", err)
	}
	f := &FakeRedis{ln: ln, data: map[string]string{}}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		f.wg.Wait()
	})
	return f
}

// Addr returns the fake's host:port.
func (f *FakeRedis) Addr() string { return f.ln.Addr().String() }

// Len returns the number of keys stored.
func (f *FakeRedis) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.data)
}

func (f *FakeRedis) serve() {
	defer f.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer c.Close()
			f.handle(c)
		}()
	}
}

func (f *FakeRedis) handle(c net.Conn) {
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		f.reply(w, args)
		if w.Flush() != nil {
			return
		}
	}
}

func (f *FakeRedis) reply(w *bufio.Writer, args []string) {
	if len(args) == 0 {
		fmt.Fprint(w, "-ERR empty command\r\n")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch strings.ToUpper(args[0]) {
	case "PING":
		fmt.Fprint(w, "+PONG\r\n")
	case "GET":
		if len(args) != 2 {
			fmt.Fprint(w, "-ERR wrong number of arguments for 'get'\r\n")
			return
		}
		v, ok := f.data[args[1]]
		if !ok {
			fmt.Fprint(w, "$-1\r\n")
			return
		}
		fmt.Fprintf(w, "$%d\r\n%s\r\n", len(v), v)
	case "SET":
		if len(args) < 3 {
			fmt.Fprint(w, "-ERR wrong number of arguments for 'set'\r\n")
			return
		}
		f.data[args[1]] = args[2]
		fmt.Fprint(w, "+OK\r\n")
	case "DEL":
		n := 0
		for _, k := range args[1:] {
			if _, ok := f.data[k]; ok {
				delete(f.data, k)
				n++
			}
		}
		fmt.Fprintf(w, ":%d\r\n", n)
	default:
		fmt.Fprintf(w, "-ERR unknown command '%s'\r\n", args[0])
	}
}

// readCommand reads one RESP array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 || line[0] != '*' {
		return nil, fmt.Errorf("cachetest: expected an array, got %q", line)
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil {
		return nil, fmt.Errorf("cachetest: array length: %w", err)
	}
	args := make([]string, 0, n)
	for range n {
		hdr, err := readLine(r)
		if err != nil {
			return nil, err
		}
		if len(hdr) == 0 || hdr[0] != '$' {
			return nil, fmt.Errorf("cachetest: expected a bulk string, got %q", hdr)
		}
		size, err := strconv.Atoi(hdr[1:])
		if err != nil {
			return nil, fmt.Errorf("cachetest: bulk length: %w", err)
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		args = append(args, string(buf[:size]))
	}
	return args, nil
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
