//! The GitHub Actions environment: repository, commits, pull request, and
//! the files a step writes its outputs and summary to. (Being written:
//! issue 4.)
