// The topology of the scenario being edited, drawn with React Flow and
// laid out by dagre (lib/topology.ts). Hovering or focusing a node or an
// edge reports the span of its entry so the editor highlights it.
import { useMemo } from 'react';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { layout, NODE_H, NODE_W, type TopoNode, type Topology as Topo } from '../lib/topology';
import type { Span } from '../lib/yamlpath';

const kindLabel: Record<TopoNode['kind'], string> = {
  generator: 'generator',
  client: 'client',
  load_balancer: 'load balancer',
  server: 'server',
  unknown: 'undeclared',
};

type TopoFlowNode = Node<{ node: TopoNode }, 'topo'>;

function TopoNodeView({ data }: NodeProps<TopoFlowNode>) {
  const n = data.node;
  return (
    <div className={`topo-node topo-${n.kind}`} style={{ width: NODE_W, minHeight: NODE_H }}>
      <Handle type="target" position={Position.Left} />
      <div className="topo-kind">{kindLabel[n.kind]}</div>
      <div className="topo-id">{n.id}</div>
      {n.details.map((d) => (
        <div className="topo-detail" key={d}>
          {d}
        </div>
      ))}
      {n.events.map((d) => (
        <div className="topo-event" key={d}>
          ⚡ {d}
        </div>
      ))}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { topo: TopoNodeView };

export default function Topology({ topology, onHover }: { topology: Topo; onHover(s: Span | null): void }) {
  const { nodes, edges } = useMemo(() => {
    const pos = layout(topology);
    const nodes: TopoFlowNode[] = topology.nodes.map((n) => ({
      id: n.id,
      type: 'topo',
      position: pos.get(n.id) ?? { x: 0, y: 0 },
      data: { node: n },
      ariaLabel: `${kindLabel[n.kind]} ${n.id}${n.details.length ? ': ' + n.details.join(', ') : ''}`,
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = topology.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: [e.kind === 'edge' ? e.id : '', e.label, ...e.events.map((x) => '⚡ ' + x)].filter(Boolean).join(' · '),
      className: e.kind === 'call' ? 'topo-call' : e.events.length ? 'topo-edge-event' : undefined,
      markerEnd: { type: MarkerType.ArrowClosed },
      animated: e.kind === 'call',
      ariaLabel: `${e.kind} ${e.id} from ${e.source} to ${e.target}${e.label ? ', ' + e.label : ''}`,
      data: { span: e.span },
    }));
    return { nodes, edges };
  }, [topology]);
  const spanOf = (id: string, isEdge: boolean) => (isEdge ? topology.edges.find((e) => e.id === id)?.span : topology.nodes.find((n) => n.id === id)?.span) ?? null;

  return (
    <div
      className="topology"
      role="figure"
      aria-label="Topology of the scenario"
      // Keyboard users get the same highlight as the pointer: Tab to a node or an edge.
      onFocus={(e) => {
        const el = (e.target as HTMLElement).closest('[data-testid^="rf__node-"], [data-testid^="rf__edge-"]');
        const tid = el?.getAttribute('data-testid') ?? '';
        if (tid.startsWith('rf__node-')) onHover(spanOf(tid.slice('rf__node-'.length), false));
        else if (tid.startsWith('rf__edge-')) onHover(spanOf(tid.slice('rf__edge-'.length), true));
      }}
      onBlur={() => onHover(null)}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        minZoom={0.2}
        nodesDraggable={false}
        nodesConnectable={false}
        proOptions={{ hideAttribution: true }}
        onNodeMouseEnter={(_, n) => onHover(spanOf(n.id, false))}
        onNodeMouseLeave={() => onHover(null)}
        onEdgeMouseEnter={(_, e) => onHover(spanOf(e.id, true))}
        onEdgeMouseLeave={() => onHover(null)}
        onNodeClick={(_, n) => onHover(spanOf(n.id, false))}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
