import { describe, expect, it } from 'vitest'

const rooms = [
  { id: 'general', name: 'General', topic: 'Anything goes' },
  { id: 'ecs', name: 'ECS', topic: 'Clusters' },
  { id: 'team-lambda', name: 'Team Lambda', topic: '' },
  { id: 'lambda', name: 'Lambda', topic: 'Functions' },
]

describe('the quick switcher', () => {
  it('lists rooms that start with what was typed before those that only contain it', () => {
    expect(matchRooms(rooms, 'lamb').map(r => r.label)).toEqual(['#lambda', '#team-lambda'])
    expect(matchRooms(rooms, '#Lamb').map(r => r.to)).toEqual(['/rooms/lambda', '/rooms/team-lambda'])
  })

  it('shows the name where it says more than the id, else the topic', () => {
    expect(matchRooms(rooms, 'team')[0]).toEqual({ kind: 'room', key: 'room:team-lambda', label: '#team-lambda', detail: 'Team Lambda', to: '/rooms/team-lambda' })
    expect(matchRooms(rooms, 'ecs')[0]!.detail).toBe('Clusters')
  })

  it('lists every room for an empty query and nothing for no match', () => {
    expect(matchRooms(rooms, '')).toHaveLength(4)
    expect(matchRooms(rooms, 'zzz')).toEqual([])
  })
})
