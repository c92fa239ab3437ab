//! `docker network prune` and the statistics of every network.

use super::*;

impl DockerService {
    /// `docker network prune`: the networks the daemon removed, exactly (networks no running container
    /// is connected to; predefined ones are never removed). `label` limits it to matching networks.
    pub async fn prune_networks(
        &self,
        label: Option<&str>,
    ) -> Result<PruneNetworksResult, AppError> {
        let filters = label_filter(label)?;
        let client = self.client().await?;
        let prune = client.prune_networks(Some(PruneNetworksOptions { filters }));
        let response = match self.call(Operation::NetworkPrune, prune).await {
            Ok(response) => response,
            Err(err) => return Err(self.fail(err, "Network prune").await),
        };
        let deleted = response.networks_deleted.unwrap_or_default();
        Ok(PruneNetworksResult {
            message: format!("{} unused network(s) removed", deleted.len()),
            count: deleted.len(),
            networks_deleted: deleted,
        })
    }

    /// What `docker network prune` would remove, without removing anything: the networks the daemon lists
    /// as unused (`dangling=true`), predefined ones left out, with their (stopped) containers.
    pub async fn prune_networks_preview(&self) -> Result<Vec<NetworkSummary>, AppError> {
        let client = self.client().await?;
        let options = ListNetworksOptions {
            filters: Some(HashMap::from([(
                "dangling".to_string(),
                vec!["true".to_string()],
            )])),
        };
        let unused: Vec<String> = match client.list_networks(Some(options)).await {
            Ok(list) => list
                .into_iter()
                .filter_map(|network| network.id.as_deref().map(short_id))
                .collect(),
            Err(err) => return Err(self.fail(err, "Network list").await),
        };
        Ok(self
            .list_networks()
            .await?
            .into_iter()
            .filter(|network| !network.predefined && unused.contains(&network.id))
            .collect())
    }

    /// Counts by driver, scope and flags, and the containers of every network: one network list and one
    /// container list.
    pub async fn network_stats(&self) -> Result<NetworkStats, AppError> {
        let (networks, containers) = self.networks_and_containers().await?;
        Ok(build_stats(networks, &containers))
    }
}

pub(super) fn build_stats(
    networks: Vec<Network>,
    containers: &[DockerContainerSummary],
) -> NetworkStats {
    let attached = attachments(&networks, containers);
    let mut stats = NetworkStats {
        total_count: networks.len(),
        predefined: 0,
        custom: 0,
        in_use: 0,
        unused: 0,
        internal: 0,
        attachable: 0,
        ipv6_enabled: 0,
        total_attachments: 0,
        by_driver: BTreeMap::new(),
        by_scope: BTreeMap::new(),
        networks: Vec::new(),
        timestamp: now_rfc3339(),
    };
    for network in networks {
        let id = network.id.clone().unwrap_or_default();
        let members = attached.get(&id).map(Vec::as_slice).unwrap_or_default();
        let summary = summary_from_docker(network, members);
        if summary.predefined {
            stats.predefined += 1;
        } else {
            stats.custom += 1;
        }
        if members.is_empty() {
            stats.unused += 1;
        } else {
            stats.in_use += 1;
        }
        stats.internal += usize::from(summary.internal);
        stats.attachable += usize::from(summary.attachable);
        stats.ipv6_enabled += usize::from(summary.enable_ipv6);
        stats.total_attachments += members.len();
        *stats.by_driver.entry(summary.driver.clone()).or_default() += 1;
        *stats.by_scope.entry(summary.scope.clone()).or_default() += 1;
        let mut names: Vec<String> = members.iter().map(|(name, _)| name.clone()).collect();
        names.sort();
        stats.networks.push(NetworkUsage {
            id: summary.id,
            name: summary.name,
            driver: summary.driver,
            running_containers: summary.running_containers,
            containers: names,
        });
    }
    stats.networks.sort_by(|a, b| {
        b.containers
            .len()
            .cmp(&a.containers.len())
            .then(a.name.cmp(&b.name))
    });
    stats
}
