//! What every handler can reach.

use std::sync::Arc;

use cascade_store::Store;

use crate::auth::throttle::Throttle;
use crate::auth::tokens::Keys;
use crate::config::Settings;
use crate::imports::Progress;

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Settings,
    /// Live progress of the import jobs this process runs.
    pub progress: Arc<Progress>,
    pub keys: Keys,
    pub throttle: Throttle,
}
