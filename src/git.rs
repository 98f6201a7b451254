//! Running git: every command gate starts is bounded in time, never asks
//! for credentials on the terminal, speaks English (its messages are
//! matched), and has both its pipes drained while it runs (a full pipe would
//! stall it).

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// How long one git command may take: a `git fetch` from a remote that
/// stops answering, or a `git log` over a huge history, must not hold a
/// required check.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// `git -C repository args…`, its whole output once it has finished.
pub fn git(repository: &Path, args: &[&str]) -> io::Result<Output> {
    git_in(repository, args, Fetch::Allowed)
}

/// Whether git may download what a partial clone (`--filter=blob:none`)
/// lacks when a command needs it, one object at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    Allowed,
    /// Only what the clone holds: a missing object is missing
    /// (`GIT_NO_LAZY_FETCH`, which gits from May 2024 on read; older ones
    /// fetch regardless).
    Never,
}

/// `git`, with `fetch` saying whether it may reach a partial clone's
/// remote.
pub fn git_in(repository: &Path, args: &[&str], fetch: Fetch) -> io::Result<Output> {
    output_within(command(repository, args, fetch), TIMEOUT)
}

/// A finished `git_streaming` command: its status, what `read` made of its
/// standard output, its standard error.
pub struct Streamed<T> {
    pub status: ExitStatus,
    pub read: T,
    pub stderr: Vec<u8>,
}

/// `git -C repository args…` fed `input` on its standard input, its
/// standard output handed to `read` as it comes: for `git cat-file
/// --batch`, one process for many objects, none of them held in memory
/// longer than `read` keeps it.
pub fn git_streaming<T: Send + 'static>(
    repository: &Path,
    args: &[&str],
    fetch: Fetch,
    input: Vec<u8>,
    read: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
) -> io::Result<Streamed<T>> {
    run_within(command(repository, args, fetch), TIMEOUT, input, read)
}

fn command(repository: &Path, args: &[&str], fetch: Fetch) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(repository)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        // Callers tell some failures apart by git's message ("not a git
        // repository", "does not exist"), which a locale would translate.
        .env("LC_ALL", "C");
    if fetch == Fetch::Never {
        command.env("GIT_NO_LAZY_FETCH", "1");
    }
    command
}

/// The output of `command`, which is killed when it runs past `limit`.
pub fn output_within(command: Command, limit: Duration) -> io::Result<Output> {
    let streamed = run_within(command, limit, Vec::new(), |stdout| {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    })?;
    Ok(Output {
        status: streamed.status,
        stdout: streamed.read,
        stderr: streamed.stderr,
    })
}

fn run_within<T: Send + 'static>(
    mut command: Command,
    limit: Duration,
    input: Vec<u8>,
    read: impl FnOnce(&mut dyn Read) -> T + Send + 'static,
) -> io::Result<Streamed<T>> {
    let mut child = command
        .stdin(if input.is_empty() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Threads of their own, never waited for past the time limit: a
    // grandchild (ssh under `git fetch`) may hold the pipes open after git
    // is killed. The input is written from one too: a child that answers
    // as it reads (cat-file) blocks on a full output pipe while we would
    // block on its full input pipe.
    if let Some(mut stdin) = child.stdin.take() {
        // A child that stops early closes the pipe: its status says why.
        std::thread::spawn(move || stdin.write_all(&input));
    }
    let mut stdout = child.stdout.take();
    let stdout = std::thread::spawn(move || match stdout.as_mut() {
        Some(pipe) => read(pipe),
        None => read(&mut io::empty()),
    });
    let mut stderr = child.stderr.take();
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    });
    let status = wait_within(&mut child, limit)?;
    Ok(Streamed {
        status,
        read: stdout
            .join()
            .map_err(|_| io::Error::other("reading git's output failed"))?,
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The child's exit status; it is killed (and the pipes close, which ends
/// the threads reading them) when it runs past `limit`.
fn wait_within(child: &mut std::process::Child, limit: Duration) -> io::Result<ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("git did not finish within {} s", limit.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_past_its_time_limit_is_killed_and_named() {
        let mut sleep = Command::new("sleep");
        sleep.arg("5");
        let started = Instant::now();
        let error = output_within(sleep, Duration::from_millis(200)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(4));
        let mut echo = Command::new("echo");
        echo.arg("hi");
        let output = output_within(echo, Duration::from_secs(5)).unwrap();
        assert_eq!(output.stdout, b"hi\n");
    }

    #[test]
    fn input_larger_than_a_pipe_reaches_a_child_that_answers_as_it_reads() {
        // 1 MB through `cat`: both pipes fill up if either side waits.
        let input = vec![b'x'; 1 << 20];
        let streamed = run_within(
            Command::new("cat"),
            Duration::from_secs(10),
            input.clone(),
            |stdout| {
                let mut bytes = Vec::new();
                stdout.read_to_end(&mut bytes).map(|_| bytes.len())
            },
        )
        .unwrap();
        assert!(streamed.status.success());
        assert_eq!(streamed.read.unwrap(), input.len());
    }
}
