//! Paging of the list actions: page sizes, and the "fetch one more" trick that tells whether
//! a next page exists. The tokens themselves are in [`crate::token`].

use server::ApiError;
use store::{Page, Store, StoreError};

use crate::{Service, token};

/// Default and largest page sizes of the list actions.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1000;

/// `maxResults` as a page size: missing or 0 (or negative) means the default, as on AWS.
pub(crate) fn page_size(max_results: Option<i32>) -> usize {
    match max_results {
        Some(n) if n > 0 => (n as usize).min(MAX_PAGE),
        _ => DEFAULT_PAGE,
    }
}

/// The key a page starts after, from the client's `nextToken`.
pub(crate) fn after(next_token: Option<&str>) -> Result<Option<String>, ApiError> {
    next_token.map(token::decode).transpose()
}

/// The event id a history page starts after (0: from the start).
pub(crate) fn after_event(next_token: Option<&str>) -> Result<u64, ApiError> {
    match after(next_token)? {
        Some(t) => t
            .parse::<u64>()
            .map_err(|_| ApiError::invalid_token("the token is not valid")),
        None => Ok(0),
    }
}

/// Cuts a list fetched with `limit + 1` items to `limit`; the extra item's presence means a
/// next page, whose token is the key of the last item kept.
pub(crate) fn split_page<T>(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(|i| token::encode(&key(i)));
        (items, next)
    } else {
        (items, None)
    }
}

impl Service {
    /// One page of a list action (not the history's: its key is an event id): `fetch` is
    /// asked for one item more than the page holds, and the token names the last item
    /// kept, by `key`.
    pub(crate) async fn page<T: Send + 'static>(
        &self,
        max_results: Option<i32>,
        next_token: Option<&str>,
        fetch: impl FnOnce(&dyn Store, &Page) -> Result<Vec<T>, StoreError> + Send + 'static,
        key: impl Fn(&T) -> String,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        let limit = page_size(max_results);
        let page = Page {
            after: after(next_token)?,
            limit: limit + 1,
        };
        let items = self.db(move |s| fetch(s, &page)).await?;
        Ok(split_page(items, limit, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes() {
        assert_eq!(page_size(None), DEFAULT_PAGE);
        assert_eq!(page_size(Some(0)), DEFAULT_PAGE);
        assert_eq!(page_size(Some(-3)), DEFAULT_PAGE);
        assert_eq!(page_size(Some(7)), 7);
        assert_eq!(page_size(Some(5000)), MAX_PAGE);
    }

    #[test]
    fn split_keeps_limit_and_tokens_the_last_key() {
        let (items, next) = split_page(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(items, vec![1, 2]);
        assert_eq!(after(next.as_deref()).unwrap().as_deref(), Some("2"));
        let (items, next) = split_page(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(items, vec![1, 2]);
        assert!(next.is_none());
    }

    #[test]
    fn history_tokens_are_event_ids() {
        assert_eq!(after_event(None).unwrap(), 0);
        assert_eq!(after_event(Some(&token::encode("42"))).unwrap(), 42);
        assert!(after_event(Some(&token::encode("x"))).is_err());
    }
}
